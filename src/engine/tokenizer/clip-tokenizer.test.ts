import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoDir, goldensDir, loadGolden } from '../testing/shared';
import { cleanText } from './clean-text';
import { ClipTokenizer, END_ID, START_ID } from './clip-tokenizer';

let tokenizer: ClipTokenizer;

beforeAll(() => {
  tokenizer = ClipTokenizer.fromGzip(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz')));
});

const ids = (text: string, contextLength?: number) => Array.from(tokenizer.encode(text, contextLength).ids);

describe('ClipTokenizer against the official outputs', () => {
  it('reproduces every golden text exactly', () => {
    const golden = loadGolden();
    expect(golden.texts.length).toBeGreaterThan(10);
    for (const t of golden.texts) {
      const encoded = tokenizer.encode(t.text);
      expect(Array.from(encoded.ids), JSON.stringify(t.text)).toEqual(t.tokens);
      expect(encoded.untruncatedLength, JSON.stringify(t.text)).toBe(t.tokens_untruncated);
      expect(tokenizer.countTokens(t.text)).toBe(t.tokens_untruncated);
    }
  });

  it('counts the demo queries as the official tokenizer does (demo.json `tokens` is the untruncated count)', () => {
    const demo = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8')) as {
      queries: { query: string; context: number; tokens: number }[];
    };
    expect(demo.queries.length).toBeGreaterThan(0);
    for (const q of demo.queries) {
      expect(tokenizer.countTokens(q.query), q.query.slice(0, 60)).toBe(q.tokens);
      const encoded = tokenizer.encode(q.query, q.context);
      expect(encoded.ids.length).toBe(Math.min(q.tokens, q.context));
      expect(encoded.ids[encoded.ids.length - 1]).toBe(END_ID);
    }
  });

  // Expected ids from the official simple_tokenizer (ftfy 6.3, regex) run on these strings.
  it.each([
    ['a\ud800b', [49406, 320, 39802, 321, 49407]],
    ['\udc00 lone low', [49406, 39802, 13576, 1042, 49407]],
    ['emoji \ud83d\ude00 pair', [49406, 16327, 7334, 4038, 49407]],
    ['a\x00b\x07c\x1bd\x7fe\tf\ng\rh', [49406, 13137, 654, 325, 326, 327, 49407]],
    ["IT'S \u017f '\u017f x'\u017f", [49406, 585, 568, 129, 379, 6, 129, 379, 343, 6, 129, 379, 49407]],
    ['\u1fbc a\u0345b', [49406, 157, 122, 367, 320, 321, 49407]],
    ['Ünïcödé naïve', [49406, 6522, 77, 35689, 66, 7255, 67, 4166, 1097, 35689, 563, 49407]],
    ['zero\u200bwidth', [49406, 5848, 9844, 23571, 49407]],
    ['x&#65279;y', [49406, 11443, 49407]],
    ['<b>&#65279;</b>', [49406, 283, 321, 29, 171, 119, 123, 34308, 321, 285, 49407]],
  ])('matches the official ids for %j', (text, expected) => {
    expect(ids(text)).toEqual(expected);
  });
});

describe('ClipTokenizer rules', () => {
  it('exports the special ids', () => {
    expect(START_ID).toBe(49406);
    expect(END_ID).toBe(49407);
  });

  it('encodes empty and blank text as start + end', () => {
    for (const text of ['', '   ', '\n\t', '\x00\x01', '\u3000']) {
      expect(ids(text)).toEqual([START_ID, END_ID]);
      expect(tokenizer.countTokens(text)).toBe(2);
    }
  });

  it('truncates to the context, keeping the first ids and ending with END_ID', () => {
    const text = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const full = tokenizer.encode(text, 100_000);
    expect(full.ids.length).toBe(full.untruncatedLength);
    expect(full.untruncatedLength).toBeGreaterThan(248);
    for (const context of [248, 77, 2]) {
      const cut = tokenizer.encode(text, context);
      expect(cut.untruncatedLength).toBe(full.untruncatedLength);
      expect(cut.ids.length).toBe(context);
      expect(Array.from(cut.ids.subarray(0, context - 1))).toEqual(Array.from(full.ids.subarray(0, context - 1)));
      expect(cut.ids[context - 1]).toBe(END_ID);
    }
    // Exactly at the context: nothing is cut.
    const fits = tokenizer.encode(text, full.untruncatedLength);
    expect(Array.from(fits.ids)).toEqual(Array.from(full.ids));
    expect(() => tokenizer.encode('a', 1)).toThrow(RangeError);
    expect(() => tokenizer.encode('a', 7.5)).toThrow(RangeError);
  });

  it('treats the special-token spellings as the special ids, as the official code does', () => {
    expect(ids('<|startoftext|>x<|ENDOFTEXT|>')).toEqual([START_ID, START_ID, 343, END_ID, END_ID]);
  });

  it('replaces lone surrogates by U+FFFD instead of failing', () => {
    expect(ids('\ud800')).toEqual(ids('\ufffd'));
    expect(ids('x\udfff\ud800y')).toEqual(ids('x\ufffd\ufffdy'));
  });

  it('drops control characters except tab, newline and carriage return (which separate words)', () => {
    expect(ids('ca\x00\x01\x02\x08\x0b\x0e\x1f\x7ft')).toEqual(ids('cat'));
    expect(ids('a\tb\nc\rd')).toEqual(ids('a b c d'));
    expect(ids('\x1b[31mred\x1b[0m')).toEqual(ids('red'));
  });

  it('removes exactly the control characters ftfy removes; tab, newline, CR and form feed separate words', () => {
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const cat = ids('cat');
    // ftfy's CONTROL_CHARS: C0 but \t \n \f \r, DEL, deprecated format controls, BOM, interlinear annotation.
    const removed = [...range(0x00, 0x08), 0x0b, ...range(0x0e, 0x1f), 0x7f, ...range(0x206a, 0x206f), 0xfeff, ...range(0xfff9, 0xfffc)];
    for (const cp of removed) expect(ids(`ca${String.fromCharCode(cp)}t`), `U+${cp.toString(16)}`).toEqual(cat);
    for (const c of '\t\n\r\f') expect(ids(`ca${c}t`), JSON.stringify(c)).toEqual(ids('ca t'));
    // C1 controls are not removed: fix_c1_controls reads them as Windows-1252, keeping the five it leaves undefined.
    for (const cp of [0x81, 0x8d, 0x8f, 0x90, 0x9d]) expect(ids(`ca${String.fromCharCode(cp)}t`)).not.toEqual(cat);
    expect(ids('ca\x85t')).toEqual(ids('ca\u2026t'));
  });

  it('tokenises right-to-left text and emoji sequences without losing a character', () => {
    for (const text of [
      'القطة السوداء تنام على الأريكة ٣',
      'مَرْحَبًا بِالْعَالَمِ',
      'חתול שחור ישן על הספה',
      'שָׁלוֹם עוֹלָם',
      '\u200fשלום\u200e a \u202bمرحبا\u202c \u202eevil\u202c \u2067x\u2069',
      'ﻻ ﷺ ﭐ',
      '👨‍👩‍👧‍👦 🇫🇷 👍🏽 ❤️ 🏳️‍🌈 #️⃣',
    ]) {
      const encoded = tokenizer.encode(text);
      expect(encoded.untruncatedLength, text).toBeGreaterThan(2);
      expect(encoded.ids[encoded.ids.length - 1]).toBe(END_ID);
      const decoded = tokenizer.decode(encoded.ids).replace(/<\|(start|end)oftext\|>/g, '');
      expect(decoded.replace(/\s/g, ''), text).toBe(cleanText(text).replace(/\s/g, ''));
    }
  });

  it('tokenises a 10,000-word paste in well under a second, with the true length', () => {
    const vocabulary = ['the', 'harbour', 'at', 'dawn', 'boats', 'résumé', 'naïve', '東京', '2024', 'e-mail'];
    const text = Array.from({ length: 10_000 }, (_, i) => vocabulary[i % vocabulary.length] + (i % 7 === 0 ? `${i}` : '')).join(' ');
    const start = performance.now();
    const encoded = tokenizer.encode(text);
    const elapsed = performance.now() - start;
    expect(encoded.ids.length).toBe(248);
    expect(encoded.ids[247]).toBe(END_ID);
    expect(encoded.untruncatedLength).toBeGreaterThan(10_000);
    expect(encoded.untruncatedLength).toBe(tokenizer.countTokens(text));
    expect(elapsed).toBeLessThan(500);
    // One token a word: the full count is exactly the words plus START and END.
    const cats = tokenizer.encode(Array.from({ length: 10_000 }, () => 'cat').join(' '));
    expect(cats.untruncatedLength).toBe(10_002);
    expect(cats.ids.length).toBe(248);
    expect(new Set(cats.ids.subarray(1, 247)).size).toBe(1);
    expect([cats.ids[0], cats.ids[247]]).toEqual([START_ID, END_ID]);
  });

  it('stays fast on one huge word and other pathological pastes', () => {
    for (const text of ['a'.repeat(100_000), '!'.repeat(100_000), '😀'.repeat(30_000), ' '.repeat(200_000) + 'x', '&amp;'.repeat(20_000)]) {
      const start = performance.now();
      const n = tokenizer.countTokens(text);
      expect(n).toBeGreaterThan(2);
      expect(performance.now() - start).toBeLessThan(1500);
    }
  });

  it('gives the same ids once its word cache has been cleared', () => {
    const text = 'a quiet harbour at dawn';
    const before = ids(text);
    tokenizer.countTokens(Array.from({ length: 25_000 }, (_, i) => `w${i.toString(36)}x`).join(' '));
    expect(ids(text)).toEqual(before);
  });

  it('decodes ids back to the cleaned text', () => {
    expect(tokenizer.decode(tokenizer.encode('A Photo of  a CAT, naïve 😀!').ids)).toBe('<|startoftext|>a photo of a cat , naïve 😀! <|endoftext|>');
  });
});
