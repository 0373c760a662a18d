import { describe, expect, it } from 'vitest';
import { ProgressRate } from './progress-rate';
import { Rng } from './testing/fuzz';

/** A run as the indexer reports it: `cached` photos already embedded at once, then batches of 4 every 2 to 4 s. */
function run(total: number, cached: number, seed: number): { done: number; at: number }[] {
  const rng = new Rng(seed);
  const out: { done: number; at: number }[] = [{ done: 0, at: 0 }];
  let t = 0;
  for (let done = 1; done <= cached; done++) out.push({ done, at: (t += 0.02) });
  for (let done = cached; done < total;) {
    t += 2 + 2 * rng.next();
    done = Math.min(total, done + 4);
    out.push({ done, at: t });
  }
  return out;
}

/** The largest error of the time left shown over the run, as a ratio to the true time left (runs with 20 s or more left). */
function worstError(readings: { eta: number | null; at: number }[], end: number): number {
  let worst = 1;
  for (const r of readings) {
    const truth = end - r.at;
    if (r.eta === null || truth < 20) continue;
    worst = Math.max(worst, r.eta / truth, truth / Math.max(r.eta, 1e-9));
  }
  return worst;
}

describe('ProgressRate', () => {
  it('gives the steady rate and the time left at it', () => {
    const p = new ProgressRate();
    let reading = p.update(0, 100, 0);
    for (let i = 1; i <= 40; i++) reading = p.update(i, 100, i / 2);
    expect(reading.rate).toBeCloseTo(2, 6);
    expect(reading.etaSeconds).toBeCloseTo(30, 4);
  });

  it('says nothing about time left until the rate has settled', () => {
    const p = new ProgressRate();
    p.update(0, 100, 0);
    expect(p.update(2, 100, 1).etaSeconds).toBeNull();
    expect(p.update(3, 100, 2.9).etaSeconds).toBeNull();
    expect(p.update(4, 100, 3.1).etaSeconds).not.toBeNull();
  });

  it('is not fooled by photos already embedded: the indexer starts it at the first photo it embeds', () => {
    for (const seed of [1, 2, 3]) {
      const steps = run(400, 24, seed);
      const end = steps.at(-1)!.at;
      const p = new ProgressRate();
      // As worker/indexer.ts feeds it: from the first photo embedded (the 24 already embedded are past).
      const smooth = steps.map(({ done, at }) => ({ eta: done > 24 ? p.update(done, 400, at).etaSeconds : null, at }));
      // done / elapsed from the start, as the app showed before: a time left far too short at first.
      const plain = steps.map(({ done, at }) => ({ eta: at >= 3 && done > 0 ? ((400 - done) * at) / done : null, at }));
      expect(worstError(plain, end), `seed ${seed}`).toBeGreaterThan(3);
      expect(worstError(smooth, end), `seed ${seed}`).toBeLessThan(1.5);
    }
  });
});
