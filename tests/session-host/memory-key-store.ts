import type { SignalDataSet, SignalKeyStore } from '@whiskeysockets/baileys';

/** A durable store: what `set` resolved for is there; `failing` makes every write reject. */
export function memoryStore() {
  const durable = new Map<string, unknown>();
  const writes: SignalDataSet[] = [];
  let failing = false;
  const store: SignalKeyStore = {
    get: async (type, ids) => {
      const out: Record<string, unknown> = {};
      for (const id of ids) if (durable.has(`${type}/${id}`)) out[id] = durable.get(`${type}/${id}`);
      return out as never;
    },
    set: async (data) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failing) throw new Error('storage unreachable');
      writes.push(data);
      for (const [type, values] of Object.entries(data))
        for (const [id, value] of Object.entries(values ?? {})) durable.set(`${type}/${id}`, value);
    },
  };
  return { store, durable, writes, fail: (on: boolean) => (failing = on) };
}
