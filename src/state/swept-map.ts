// A Map whose idle entries are dropped a few at a time as it is used, so
// memory follows the number of *active* keys, not the number ever seen — with
// no timer per key and no stop-the-world scan on the hot path.
//
// How: a cursor (a live Map iterator, which tolerates deletes and visits
// entries added after it started) moves `perStep` entries on every write.
// Each write adds at most one entry while the cursor inspects two, so a full
// pass completes within about `size` writes and every idle entry is dropped
// within one pass of becoming idle: the size stays within a small multiple of
// the keys active in the last pass.

export class SweptMap<V> {
  private readonly entries = new Map<string, V>();
  private cursor: Iterator<[string, V]> | undefined;

  constructor(
    /** Whether an entry carries no information any more at `now` (e.g. its bucket drained). */
    private readonly isIdle: (value: V, now: number) => boolean,
    private readonly perStep = 2,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Stores `value` and sweeps a few other entries. */
  set(key: string, value: V, now: number): void {
    this.entries.set(key, value);
    this.sweep(now);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.cursor = undefined;
  }

  /** Inspects up to `perStep` entries where the last sweep stopped, dropping idle ones. */
  sweep(now: number): void {
    for (let i = 0; i < this.perStep; i++) {
      this.cursor ??= this.entries.entries();
      const next = this.cursor.next();
      if (next.done === true) {
        // End of a pass: start the next one on the next write.
        this.cursor = undefined;
        return;
      }
      const [key, value] = next.value;
      if (this.isIdle(value, now)) this.entries.delete(key);
    }
  }
}
