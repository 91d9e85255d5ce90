import type { SignalDataSet } from '@whiskeysockets/baileys';

/** A key set's entries, each as `type\0id` and its value. */
export function* entries(data: SignalDataSet): Generator<[string, unknown]> {
  for (const [type, values] of Object.entries(data)) {
    for (const [id, value] of Object.entries(values ?? {})) yield [`${type}\0${id}`, value];
  }
}

/** Sets one `type\0id` entry in `into`. */
export function put(into: SignalDataSet, key: string, value: unknown): void {
  const [type, id] = key.split('\0') as [keyof SignalDataSet, string];
  const values = (into[type] ?? {}) as Record<string, unknown>;
  values[id] = value;
  (into as Record<string, unknown>)[type] = values;
}

/** `into` with `data`'s entries over it (a copy). */
export function merged(into: SignalDataSet | undefined, data: SignalDataSet): SignalDataSet {
  const out: SignalDataSet = { ...into };
  for (const [key, value] of entries(data)) put(out, key, value);
  return out;
}
