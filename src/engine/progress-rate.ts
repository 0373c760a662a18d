// A rate and a time left that do not jump: photos finish in batches, the first ones are often
// already embedded (fast), and a run can grow while it goes, so "done / elapsed" swings (a time
// left of 5 s became 1 min 13 s). The rate is an exponentially weighted average over about
// the last TIME_CONSTANT_S seconds, and no time left is given before it has settled.

/** Seconds over which the rate averages. */
const TIME_CONSTANT_S = 10;
/** No time left before this much of the run, in seconds and in items. */
const SETTLE_S = 3;
const SETTLE_ITEMS = 3;

export interface RateReading {
  /** Items per second, smoothed. */
  rate: number;
  /** Seconds left at that rate, or null while the rate settles or when nothing is left to estimate. */
  etaSeconds: number | null;
}

export class ProgressRate {
  private rate = 0;
  private lastDone = 0;
  private lastAt: number | null = null;
  private startedAt: number | null = null;

  /** The reading after `done` of `total` items at time `nowS` (seconds, any origin). */
  update(done: number, total: number, nowS: number): RateReading {
    if (this.lastAt === null || this.startedAt === null) {
      this.startedAt = nowS;
      this.lastAt = nowS;
      this.lastDone = done;
      return { rate: 0, etaSeconds: null };
    }
    const dt = nowS - this.lastAt;
    if (dt > 0) {
      const instant = Math.max(0, done - this.lastDone) / dt;
      const elapsed = nowS - this.startedAt;
      // Early on the average covers what there is (a plain mean), later the last TIME_CONSTANT_S.
      const weight = elapsed <= TIME_CONSTANT_S ? dt / elapsed : 1 - Math.exp(-dt / TIME_CONSTANT_S);
      this.rate = this.rate + weight * (instant - this.rate);
      this.lastAt = nowS;
      this.lastDone = done;
    }
    const settled = nowS - this.startedAt >= SETTLE_S && done >= SETTLE_ITEMS && this.rate > 0;
    return { rate: this.rate, etaSeconds: settled ? Math.max(0, total - done) / this.rate : null };
  }
}
