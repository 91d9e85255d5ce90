import type { MinuteView } from './types.ts';

const WIDTH = 600;
const HEIGHT = 140;
const PAD = 20;

/** Upper end of the y axis: at least 1, rounded up to a readable step. */
export function axisMax(values: readonly number[]): number {
  const max = Math.max(1, ...values);
  const step = 10 ** Math.max(0, Math.floor(Math.log10(max)));
  return Math.ceil(max / step) * step;
}

/**
 * Messages in and out per minute as paired bars, drawn as inline SVG (no
 * chart library). The numbers are also in the page as text, so the chart's
 * label only summarises.
 */
export function MinuteChart({ minutes }: { readonly minutes: readonly MinuteView[] }) {
  const top = axisMax(minutes.flatMap((m) => [m.in, m.out]));
  const slot = (WIDTH - PAD) / Math.max(1, minutes.length);
  const bar = Math.max(1, slot / 2 - 0.5);
  const y = (v: number): number => HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD);
  const first = minutes[0]?.minute;
  const last = minutes[minutes.length - 1]?.minute;
  const time = (iso: string | undefined): string =>
    iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
  return (
    <svg
      class="minute-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Messages per minute from ${time(first)} to ${time(last)}: in (blue) and out (orange); the axis goes to ${top}.`}
    >
      <line x1={PAD} y1={HEIGHT - PAD} x2={WIDTH} y2={HEIGHT - PAD} class="axis" />
      <text x={0} y={PAD} class="axis-label">
        {top}
      </text>
      <text x={0} y={HEIGHT - PAD} class="axis-label">
        0
      </text>
      {minutes.map((m, i) => (
        <g key={m.minute}>
          <rect class="bar-in" x={PAD + i * slot} y={y(m.in)} width={bar} height={HEIGHT - PAD - y(m.in)} />
          <rect
            class="bar-out"
            x={PAD + i * slot + bar}
            y={y(m.out)}
            width={bar}
            height={HEIGHT - PAD - y(m.out)}
          />
        </g>
      ))}
      <text x={PAD} y={HEIGHT - 4} class="axis-label">
        {time(first)}
      </text>
      <text x={WIDTH} y={HEIGHT - 4} class="axis-label" text-anchor="end">
        {time(last)}
      </text>
    </svg>
  );
}
