import { describe, expect, test } from 'vitest';
import { normalized } from '../rank';
import { sentenceAwareQuery, sentenceScores } from './sentence-scoring';
import { splitSentences } from './sentences';

describe('splitSentences', () => {
  test.each([
    ['A red car. A blue sky!  Is it night? Yes.', ['A red car.', 'A blue sky!', 'Is it night?', 'Yes.']],
    ['one sentence without a mark', ['one sentence without a mark']],
    ['Version 2.5 of the app. Next', ['Version 2.5 of the app.', 'Next']],
    ['Wait...\nthen go', ['Wait...', 'then go']],
    ['   ', []],
    ['', []],
  ])('%j', (text, expected) => {
    expect(splitSentences(text)).toEqual(expected);
  });
});

describe('sentenceAwareQuery', () => {
  const rnd = (seed: number, n = 16) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 97.1 + i * 13.7));
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0);

  test('one dot product gives the mean of the whole-text cosine and the mean sentence cosine', () => {
    const whole = rnd(1);
    const sentences = [rnd(2), rnd(3), rnd(4)];
    const q = sentenceAwareQuery(whole, sentences);
    for (let k = 5; k < 10; k++) {
      const photo = normalized(rnd(k));
      const per = sentenceScores(photo, sentences);
      const expected = 0.5 * dot(normalized(whole), photo) + 0.5 * (per.reduce((a, b) => a + b, 0) / per.length);
      expect(dot(q, photo)).toBeCloseTo(expected, 6);
    }
  });

  test('with no sentences it is the unit whole-text vector', () => {
    const q = sentenceAwareQuery(rnd(1), []);
    expect(dot(q, q)).toBeCloseTo(1, 6);
  });
});
