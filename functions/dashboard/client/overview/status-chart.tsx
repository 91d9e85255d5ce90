import { axisMax } from './minute-chart.tsx';

/** Sessions by status as labelled horizontal bars (inline SVG), the count written beside each. */
export function StatusChart({ byStatus }: { readonly byStatus: Readonly<Record<string, number>> }) {
  const entries = Object.entries(byStatus);
  const top = axisMax(entries.map(([, n]) => n));
  const row = 22;
  const labelWidth = 120;
  const width = 400;
  return (
    <svg
      class="status-chart"
      viewBox={`0 0 ${width} ${entries.length * row}`}
      role="img"
      aria-label={`Sessions by status: ${entries.map(([s, n]) => `${s} ${n}`).join(', ')}.`}
    >
      {entries.map(([status, n], i) => (
        <g key={status}>
          <text x={0} y={i * row + 15} class="axis-label">
            {status}
          </text>
          <rect
            class={`status-bar status-${status.toLowerCase()}`}
            x={labelWidth}
            y={i * row + 4}
            height={14}
            width={((width - labelWidth - 40) * n) / top}
          />
          <text
            x={labelWidth + ((width - labelWidth - 40) * n) / top + 4}
            y={i * row + 15}
            class="axis-label"
          >
            {n}
          </text>
        </g>
      ))}
    </svg>
  );
}
