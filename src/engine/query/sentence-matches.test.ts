import { describe, expect, it } from 'vitest';
import { matchedSentences, sentenceStats } from './sentence-matches';

describe('sentence matches', () => {
  it('computes the mean and the population standard deviation of a sentence over the library', () => {
    const s = sentenceStats('A red car.', [0.1, 0.2, 0.3, 0.4]);
    expect(s.mean).toBeCloseTo(0.25, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(0.0125), 12);
  });

  it('a photo matches the sentences it scores at least one deviation above the mean of', () => {
    const stats = [sentenceStats('one', [0, 0.1, 0.2, 0.3]), sentenceStats('two', [0.5, 0.5, 0.5, 0.5]), sentenceStats('three', [0.3, 0.2, 0.1, 0])];
    // Photo 3 (0-based): top of sentence one, a flat sentence two (nothing matches), bottom of three.
    expect(matchedSentences([0.3, 0.5, 0], stats)).toEqual([0]);
    expect(matchedSentences([0.3, 0.5, 0.3], stats)).toEqual([0, 2]);
    expect(matchedSentences([0.15, 0.5, 0.15], stats)).toEqual([]);
  });
});
