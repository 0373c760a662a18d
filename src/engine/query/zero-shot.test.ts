// Zero-shot classification: the official recipe's labels and scores on the demo gallery
// (../shared/demo/zeroshot.json), at float32 and float16 weights, and its input checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { demoLibrary } from '../../cli/testing/demo-library';
import type { EmbeddingMatrix } from '../rank';
import type { ClipEngine } from '../session/clip-engine';
import { demoDir } from '../testing/shared';
import {
  checkZeroShot,
  classify,
  classVectors,
  DEFAULT_TEMPLATE,
  linesOf,
  MAX_LABELS,
  MAX_TEMPLATES,
  scoresOf,
  ZeroShotError,
  type EmbedTexts,
} from './zero-shot';

interface ZeroShotSet {
  labels: string[];
  templates: string[];
  official_accuracy: number;
  images: { file: string; label: string; margin: number; scores: number[]; truth: string }[];
}
const sets = (JSON.parse(readFileSync(join(demoDir, 'zeroshot.json'), 'utf8')) as { sets: Record<string, ZeroShotSet> }).sets;

/** Official labels are compared only where they are not a near tie (the fixture's rule). */
const CLEAR_MARGIN = 0.002;
const SCORE_TOLERANCE = 0.01;

describe.each(['float32', 'float16'] as const)('the demo gallery at %s weights', (dtype) => {
  let engine: ClipEngine;
  let matrix: EmbeddingMatrix;
  const embedTexts: EmbedTexts = async (texts) => (await engine.encodeTexts(texts)).map((t) => t.embedding);

  beforeAll(async () => {
    ({ engine, matrix } = await demoLibrary(dtype));
  }, 300_000);
  afterAll(() => engine.release());

  test.each(Object.keys(sets))('%s: labels, scores and accuracy are the official ones', async (name) => {
    const set = sets[name]!;
    const classes = await classVectors(set.labels, set.templates, embedTexts);
    const result = classify(classes, matrix);
    const rows = matrix.keyList();
    expect(rows).toEqual(set.images.map((im) => im.file));
    const disagreements: string[] = [];
    let correct = 0;
    set.images.forEach((im, row) => {
      const label = result.labels[result.best[row]!]!;
      if (label === im.truth) correct++;
      if (label !== im.label) {
        disagreements.push(im.file);
        if (im.margin >= CLEAR_MARGIN) expect.fail(`${im.file}: ${label}, official ${im.label} by a margin of ${im.margin}`);
      }
      const scores = Array.from(scoresOf(result, row));
      scores.forEach((s, c) =>
        expect(Math.abs(s - im.scores[c]!), `${im.file} ${set.labels[c]}: ${s} vs ${im.scores[c]}`).toBeLessThanOrEqual(SCORE_TOLERANCE),
      );
      const sorted = scores.toSorted((a, b) => b - a);
      expect(result.margin[row]).toBeCloseTo(sorted[0]! - sorted[1]!, 6);
    });
    // Each near tie decided the other way can move the accuracy by one image at most.
    expect(Math.abs(correct / set.images.length - set.official_accuracy)).toBeLessThanOrEqual(disagreements.length / set.images.length + 1e-9);

    // Packed unit rows give what the matrix gives.
    const packed = classify(classes, matrix.rows().rows);
    expect(Array.from(packed.best)).toEqual(Array.from(result.best));
    packed.scores.forEach((s, i) => expect(s).toBeCloseTo(result.scores[i]!, 5));
  });
});

describe('the recipe', () => {
  test('every category is written into every template, embedded, and averaged as unit vectors', async () => {
    const seen: string[] = [];
    // Two templates whose embeddings differ in length: a plain average would follow the longer one.
    const embedTexts: EmbedTexts = (texts) => {
      seen.push(...texts);
      return Promise.resolve(
        texts.map((t) => {
          const long = t.endsWith('!');
          if (t.includes('cat')) return long ? Float32Array.of(10, 0, 0) : Float32Array.of(0, 1, 0);
          return long ? Float32Array.of(0, 0, 10) : Float32Array.of(0.6, 0.8, 0);
        }),
      );
    };
    const classes = await classVectors([' cat', 'dog '], ['a {}.', 'the {}!'], embedTexts);
    expect(seen).toEqual(['a cat.', 'the cat!', 'a dog.', 'the dog!']);
    expect(classes.labels).toEqual(['cat', 'dog']);
    expect(classes.dim).toBe(3);
    const h = Math.SQRT1_2;
    [h, h, 0, 0.6 * h, 0.8 * h, h].forEach((v, i) => expect(classes.vectors[i]).toBeCloseTo(v, 6));

    const photos = Float32Array.of(1, 0, 0, 0, 0, 1, 0.6, 0.8, 0);
    const result = classify(classes, photos);
    expect(result.count).toBe(3);
    expect(Array.from(result.best)).toEqual([0, 1, 0]);
    expect(scoresOf(result, 1)[0]).toBeCloseTo(0, 6);
    expect(scoresOf(result, 1)[1]).toBeCloseTo(h, 6);
    expect(result.margin[1]).toBeCloseTo(h, 6);
  });

  test('sentences go to the encoder in batches, in order', async () => {
    const batches: number[] = [];
    const labels = Array.from({ length: 100 }, (_, i) => `thing ${i}`);
    const classes = await classVectors(labels, [DEFAULT_TEMPLATE], (texts) => {
      batches.push(texts.length);
      return Promise.resolve(texts.map((t) => Float32Array.of(Number(/\d+/.exec(t)![0]) + 1, 1)));
    });
    expect(batches.reduce((a, b) => a + b)).toBe(100);
    expect(batches.length).toBeGreaterThan(1);
    expect(classes.vectors[2 * 99]! / classes.vectors[2 * 99 + 1]!).toBeCloseTo(100, 3);
  });

  test('a single category has an infinite margin', async () => {
    const classes = await classVectors(['cat'], [DEFAULT_TEMPLATE], (texts) => Promise.resolve(texts.map(() => Float32Array.of(1, 0))));
    const result = classify(classes, Float32Array.of(0, 1));
    expect(result.best[0]).toBe(0);
    expect(result.margin[0]).toBe(Infinity);
  });

  test('photo rows of another size are refused', async () => {
    const classes = await classVectors(['cat'], [DEFAULT_TEMPLATE], (texts) => Promise.resolve(texts.map(() => Float32Array.of(1, 0))));
    expect(() => classify(classes, Float32Array.of(1, 0, 0))).toThrow(/whole number of 2-value rows/);
  });

  test('an encoder that loses sentences is an error', async () => {
    await expect(classVectors(['a', 'b'], [DEFAULT_TEMPLATE], () => Promise.resolve([Float32Array.of(1)]))).rejects.toThrow(/1 embeddings for 2 sentences/);
  });
});

describe('categories and templates', () => {
  test('one per line, trimmed, blank lines skipped', () => {
    expect(linesOf(' navy \r\n\n  \rbeige\nlight blue\n')).toEqual(['navy', 'beige', 'light blue']);
  });

  test.each([
    [[], [DEFAULT_TEMPLATE], /no categories/],
    [['navy', '  '], [DEFAULT_TEMPLATE], /category 2 is empty/],
    [['navy', ' navy'], [DEFAULT_TEMPLATE], /category "navy" is listed twice/],
    [Array.from({ length: MAX_LABELS + 1 }, (_, i) => `c${i}`), [DEFAULT_TEMPLATE], /1001 categories: at most 1000/],
    [['navy'], [], /no templates/],
    [['navy'], [DEFAULT_TEMPLATE, 'A picture with a background.'], /template "A picture with a background." has no \{\}/],
    [['navy'], Array.from({ length: MAX_TEMPLATES + 1 }, (_, i) => `${i} {}`), /101 templates: at most 100/],
  ])('%j with %j is refused', (labels, templates, message) => {
    expect(() => checkZeroShot(labels, templates)).toThrow(ZeroShotError);
    expect(() => checkZeroShot(labels, templates)).toThrow(message);
  });

  test('classVectors checks before it embeds anything', async () => {
    let called = false;
    const embed: EmbedTexts = (texts) => {
      called = true;
      return Promise.resolve(texts.map(() => Float32Array.of(1)));
    };
    await expect(classVectors(['navy'], ['navy background'], embed)).rejects.toThrow(/template "navy background" has no \{\}/);
    expect(called).toBe(false);
  });
});
