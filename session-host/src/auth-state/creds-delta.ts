import { BufferJSON } from '@whiskeysockets/baileys';

/** The creds fields one commit changed: set to a new value, or removed. */
export interface CredsDelta {
  readonly set?: Record<string, unknown>;
  readonly unset?: readonly string[];
}

const encodeField = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);

/** A commit's creds change, with the encoding of each field as it was when the commit was built. */
export interface CredsChange {
  readonly delta: CredsDelta;
  readonly encoded: ReadonlyMap<string, string>;
}

/**
 * The creds as last made durable, field by field (Baileys mutates its creds
 * object in place, so the live object cannot be the reference). A commit
 * carries only the fields that differ; the ledger moves only once the commit
 * is durable, and to the encoding that was written, so a failed commit's
 * change, or one made while a commit was in flight, travels with the next one.
 */
export class CredsLedger {
  readonly #fields = new Map<string, string>();

  constructor(durable?: object) {
    if (durable) this.accept(this.diff(durable));
  }

  diff(creds: object): CredsChange {
    const set: Record<string, unknown> = {};
    const encoded = new Map<string, string>();
    const present = new Set<string>();
    for (const [field, value] of Object.entries(creds)) {
      if (value === undefined) continue;
      present.add(field);
      const text = encodeField(value);
      if (this.#fields.get(field) === text) continue;
      // The parsed copy, not the live object: it may change before the entry is packed.
      set[field] = JSON.parse(text, BufferJSON.reviver);
      encoded.set(field, text);
    }
    const unset = [...this.#fields.keys()].filter((field) => !present.has(field));
    const delta = {
      ...(Object.keys(set).length > 0 && { set }),
      ...(unset.length > 0 && { unset }),
    };
    return { delta, encoded };
  }

  accept(change: CredsChange): void {
    for (const [field, text] of change.encoded) this.#fields.set(field, text);
    for (const field of change.delta.unset ?? []) this.#fields.delete(field);
  }
}

/** Applies one commit's creds change to restored creds, in journal order. */
export function applyCredsDelta(creds: Record<string, unknown>, delta: CredsDelta): void {
  Object.assign(creds, delta.set);
  for (const field of delta.unset ?? []) delete creds[field];
}
