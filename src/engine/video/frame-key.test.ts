import { describe, expect, test } from 'vitest';
import { formatMoment, frameKey, isFrameKey, itemOf, parseFrameKey } from './frame-key';

const hash = 'ab'.repeat(32);

describe('frame keys', () => {
  test('round trip: the key of a frame gives back its video and time', () => {
    for (const ms of [0, 1, 999, 1000, 33_167, 3_600_000]) {
      const key = frameKey(hash, ms);
      expect(key).toBe(`${hash}@${ms}`);
      expect(parseFrameKey(key)).toEqual({ video: hash, ms });
      expect(itemOf(key)).toBe(hash);
      expect(isFrameKey(key)).toBe(true);
    }
  });

  test("a photo's key is not a frame and is its own item", () => {
    expect(parseFrameKey(hash)).toBeNull();
    expect(isFrameKey(hash)).toBe(false);
    expect(itemOf(hash)).toBe(hash);
  });

  test('times must be whole, non-negative milliseconds', () => {
    expect(() => frameKey(hash, 1.5)).toThrow(RangeError);
    expect(() => frameKey(hash, -1)).toThrow(RangeError);
    expect(parseFrameKey(`${hash}@x`)).toBeNull();
    expect(parseFrameKey(`${hash}@-5`)).toBeNull();
    expect(parseFrameKey(`${hash}@1.5`)).toBeNull();
  });

  test('formatMoment: m:ss, and h:mm:ss past an hour', () => {
    expect([0, 999, 1000, 9_999, 59_999, 60_000, 754_321, 3_599_999, 3_600_000, 3_725_000].map(formatMoment)).toEqual([
      '0:00',
      '0:00',
      '0:01',
      '0:09',
      '0:59',
      '1:00',
      '12:34',
      '59:59',
      '1:00:00',
      '1:02:05',
    ]);
  });
});
