// Deadlines that may fire a little late, for limits measured in seconds (a
// request body must arrive within 60 s): one interval checks them all, and
// arming or clearing one is a Set operation. A setTimeout per request cost
// ≈3 % of a small request's CPU at saturation (its Timeout object, the timer
// list insertion and removal); the deadline it guards almost never fires.

export interface Deadline {
  /** Epoch ms after which `expire` runs (at most one sweep interval late). */
  readonly at: number;
  readonly expire: () => void;
}

export class DeadlineSweep {
  private readonly pending = new Set<Deadline>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly everyMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Runs `expire` once `ms` have passed, unless cleared first. */
  add(ms: number, expire: () => void): Deadline {
    const deadline: Deadline = { at: this.clock() + ms, expire };
    this.pending.add(deadline);
    // Only while something is pending, and never keeping the process alive on its own.
    this.timer ??= setInterval(this.sweep, this.everyMs).unref();
    return deadline;
  }

  clear(deadline: Deadline): void {
    this.pending.delete(deadline);
  }

  get size(): number {
    return this.pending.size;
  }

  private readonly sweep = (): void => {
    const now = this.clock();
    for (const deadline of this.pending) {
      if (deadline.at > now) continue;
      this.pending.delete(deadline);
      deadline.expire();
    }
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  };
}
