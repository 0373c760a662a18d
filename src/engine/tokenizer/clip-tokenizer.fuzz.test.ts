// Fuzzing the tokenizer with random Unicode: lone surrogates, controls, emoji sequences,
// right-to-left text, combining marks, entities, special-token spellings and very long pastes.
// Every string must tokenise (never throw), quickly, into well-formed ids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuzz, fuzzSeed, type Rng } from '../testing/fuzz';
import { goldensDir, loadGolden } from '../testing/shared';
import { ClipTokenizer, END_ID, START_ID } from './clip-tokenizer';

/** Code point ranges to draw from, each chosen equally often. */
const RANGES: [number, number][] = [
  [0x20, 0x7e], // ASCII
  [0x00, 0x1f],
  [0x7f, 0x9f], // C0 and C1 controls
  [0xa0, 0x24f], // Latin-1 and Latin Extended (ligatures, final forms)
  [0x300, 0x36f], // combining marks (U+0345 among them)
  [0x590, 0x5ff],
  [0x600, 0x6ff],
  [0xfb1d, 0xfdff],
  [0xfe70, 0xfeff], // Hebrew, Arabic, presentation forms
  [0x200b, 0x206f], // zero-width, bidi controls (LRM, RLM, RLO, isolates), invisible operators
  [0x3000, 0x30ff],
  [0x4e00, 0x4fff],
  [0xff00, 0xffef], // CJK punctuation, kana, ideographs, fullwidth
  [0xd800, 0xdfff], // surrogates, drawn alone: invalid UTF-16
  [0xfff0, 0xffff], // specials and noncharacters
  [0x1f300, 0x1faff],
  [0x1f1e6, 0x1f1ff],
  [0xfe00, 0xfe0f],
  [0x1f3fb, 0x1f3ff], // emoji, flags, variation selectors, skin tones
  [0xe0000, 0xe007f],
  [0x10fff0, 0x10ffff], // tags, the last plane
];
const PIECES = [
  '<|startoftext|>',
  '<|endoftext|>',
  '<|ENDOFTEXT|>',
  '&amp;',
  '&amp;amp;lt;',
  '&#',
  '&#x',
  '&#65279;',
  '&#x110000;',
  '&nbsp;',
  '&',
  '<b>',
  "'s",
  "'LL",
  '\u200d',
  '\u2028',
  '\r\n',
  '\x1b[31m',
  '\x1b[',
  ' ',
  '\t',
  '\u3000',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '\u202eevil\u202c',
];

function randomText(rng: Rng, length: number): string {
  const out: string[] = [];
  while (out.length < length) {
    if (rng.chance(0.1)) out.push(rng.pick(PIECES));
    else {
      const [lo, hi] = rng.pick(RANGES);
      out.push(String.fromCodePoint(lo + rng.int(hi - lo + 1)));
    }
  }
  return out.join('');
}

/** A golden text with random code units (lone surrogates included) spliced in. */
function mutatedText(rng: Rng, base: string): string {
  let t = base;
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const at = rng.int(t.length + 1);
    const insert = rng.chance(0.5) ? String.fromCharCode(rng.int(0x10000)) : randomText(rng, 1 + rng.int(4));
    t = t.slice(0, at) + insert + t.slice(at + rng.int(3));
  }
  return t;
}

let tokenizer: ClipTokenizer;
beforeAll(() => {
  tokenizer = ClipTokenizer.fromGzip(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz')));
});

function check(text: string, context: number, count: boolean): void {
  const { ids, untruncatedLength } = tokenizer.encode(text, context);
  const where = JSON.stringify(text.slice(0, 80));
  expect(ids.length, where).toBe(Math.min(untruncatedLength, context));
  expect(ids[0], where).toBe(START_ID);
  expect(ids[ids.length - 1], where).toBe(END_ID);
  for (const id of ids) if (!(id >= 0 && id <= END_ID)) throw new Error(`id ${id} out of range for ${where}`);
  if (count) expect(tokenizer.countTokens(text), where).toBe(untruncatedLength);
}

describe('tokenizer fuzz', () => {
  it('tokenises 3,000 random and mutated strings', async () => {
    const texts = loadGolden().texts.map((t) => t.text);
    await fuzz({ name: 'tokenizer', seed: fuzzSeed(0x5eed06), iterations: 3000, maxCallMs: 1000, budgetMs: 8000 }, (rng) => {
      const text = rng.chance(0.3) ? mutatedText(rng, rng.pick(texts)) : randomText(rng, rng.chance(0.02) ? 1000 + rng.int(4000) : rng.int(300));
      check(text, rng.pick([248, 77, 2, 100_000]), rng.chance(0.2));
      if (rng.chance(0.1)) tokenizer.decode(tokenizer.encode(text).ids);
    });
  });

  it('tokenises 6 very long random pastes (100,000 code points)', async () => {
    await fuzz({ name: 'tokenizer (long)', seed: fuzzSeed(0x5eed07), iterations: 6, maxCallMs: 1500, budgetMs: 6000 }, (rng) => {
      check(randomText(rng, 100_000), 248, false);
    });
  });
});
