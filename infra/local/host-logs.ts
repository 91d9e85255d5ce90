/** Turns a host's JSON log line into one short human line for the local stack's console. */
export function formatHostLog(prefix: string, line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix} ${line}`;
  }
  const { level, time: _time, msg, name: _name, _aws, ...fields } = entry;
  const levels: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'warn',
    50: 'error',
    60: 'fatal',
  };
  const show = (k: string, v: unknown): string => {
    if (k === 'err' && v && typeof v === 'object') return String((v as { message?: unknown }).message ?? '');
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${show(k, v)}`)
    .join(' ');
  return `${prefix} ${levels[level as number] ?? level} ${msg ?? ''}${rest ? ` ${rest}` : ''}`;
}
