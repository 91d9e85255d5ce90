/**
 * A set of non-negative integer ids held as sorted inclusive ranges: a
 * pre-key batch is a run of consecutive ids, so 812 ids cost one pair.
 */
export class IdRanges {
  /** Flat [start, end, start, end, …], sorted, non-overlapping. */
  #pairs: number[];

  private constructor(pairs: number[]) {
    this.#pairs = pairs;
  }

  static of(ids: Iterable<number>): IdRanges {
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    const pairs: number[] = [];
    for (const id of sorted) {
      if (pairs.length > 0 && pairs[pairs.length - 1] === id - 1) pairs[pairs.length - 1] = id;
      else pairs.push(id, id);
    }
    return new IdRanges(pairs);
  }

  /** From the JSON form ([[start, end], …]); undefined when malformed. */
  static parse(value: unknown): IdRanges | undefined {
    if (!Array.isArray(value)) return undefined;
    const pairs: number[] = [];
    for (const pair of value) {
      if (!Array.isArray(pair) || pair.length !== 2) return undefined;
      const [start, end] = pair as unknown[];
      if (!isId(start) || !isId(end) || end < start) return undefined;
      if (pairs.length > 0 && start <= (pairs[pairs.length - 1] as number)) return undefined;
      pairs.push(start, end);
    }
    return new IdRanges(pairs);
  }

  get size(): number {
    let n = 0;
    for (let i = 0; i < this.#pairs.length; i += 2)
      n += (this.#pairs[i + 1] as number) - (this.#pairs[i] as number) + 1;
    return n;
  }

  has(id: number): boolean {
    return this.#find(id) >= 0;
  }

  delete(id: number): void {
    const i = this.#find(id);
    if (i < 0) return;
    const start = this.#pairs[i] as number;
    const end = this.#pairs[i + 1] as number;
    const keep: number[] = [];
    if (start < id) keep.push(start, id - 1);
    if (id < end) keep.push(id + 1, end);
    this.#pairs.splice(i, 2, ...keep);
  }

  clone(): IdRanges {
    return new IdRanges([...this.#pairs]);
  }

  toJSON(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.#pairs.length; i += 2)
      out.push([this.#pairs[i] as number, this.#pairs[i + 1] as number]);
    return out;
  }

  /** Index of the pair holding `id`, or -1 (binary search). */
  #find(id: number): number {
    let lo = 0;
    let hi = this.#pairs.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (id < (this.#pairs[2 * mid] as number)) hi = mid - 1;
      else if (id > (this.#pairs[2 * mid + 1] as number)) lo = mid + 1;
      else return 2 * mid;
    }
    return -1;
  }
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** The id a pre-key is stored under, when it is a canonical integer (only those go cold). */
export function numericId(id: string): number | undefined {
  return /^(0|[1-9]\d{0,14})$/.test(id) ? Number(id) : undefined;
}
