import { describe, expect, it } from 'vitest';
import { appendTerm, MAX_WEIGHT, parseQuery, photoTerm, QuerySyntaxError, quoteText, type ParsedTerm } from './query-language';
import { Rng } from '../testing/fuzz';

/** The error parseQuery throws for `input` (fails the test when it parses). */
function syntaxError(input: string, options = {}): QuerySyntaxError {
  try {
    parseQuery(input, options);
  } catch (e) {
    expect(e).toBeInstanceOf(QuerySyntaxError);
    return e as QuerySyntaxError;
  }
  throw new Error(`expected a syntax error for ${JSON.stringify(input)}`);
}

/** The error's span as the text it covers. */
function offending(input: string): string {
  const e = syntaxError(input);
  return input.slice(e.start, e.end);
}

describe('parseQuery', () => {
  it('reads the example: texts, photos, signs, weights and spans', () => {
    const input = '"a red car" -"people" 2:"at night" -photo:"IMG_0001.jpg"';
    expect(parseQuery(input)).toEqual<ParsedTerm[]>([
      { kind: 'text', text: 'a red car', weight: 1, start: 0, end: 11 },
      { kind: 'text', text: 'people', weight: -1, start: 12, end: 21 },
      { kind: 'text', text: 'at night', weight: 2, start: 22, end: 34 },
      { kind: 'photo', photo: 'IMG_0001.jpg', weight: -1, start: 35, end: 56 },
    ]);
  });

  it('reads signs with weights, decimal weights, paths and any whitespace between terms', () => {
    expect(parseQuery('+0.5:"dusk"\n\t-2:photo:"Trip/IMG_1.jpg"  +.25:"a"  +photo:"x y.png" 100:"max"')).toEqual([
      { kind: 'text', text: 'dusk', weight: 0.5, start: 0, end: 11 },
      { kind: 'photo', photo: 'Trip/IMG_1.jpg', weight: -2, start: 13, end: 38 },
      { kind: 'text', text: 'a', weight: 0.25, start: 40, end: 48 },
      { kind: 'photo', photo: 'x y.png', weight: 1, start: 50, end: 66 },
      { kind: 'text', text: 'max', weight: 100, start: 67, end: 76 },
    ]);
  });

  it('keeps the text inside quotes as written: hyphens, colons, plus signs, spaces, unicode', () => {
    const [term] = parseQuery('"  a well-lit room: 2+2, 🌅 דירה  "');
    expect(term).toMatchObject({ kind: 'text', text: '  a well-lit room: 2+2, 🌅 דירה  ' });
  });

  it('reads \\" as a quote and \\\\ as a backslash; any other backslash stays', () => {
    expect(parseQuery(String.raw`"say \"cheese\"" photo:"C:\dir\\" "a\b"`).map((t) => (t.kind === 'text' ? t.text : t.photo))).toEqual([
      'say "cheese"',
      'C:\\dir\\',
      'a\\b',
    ]);
  });

  it('gives no terms for a blank query', () => {
    expect(parseQuery('')).toEqual([]);
    expect(parseQuery(' \n\t ')).toEqual([]);
  });

  it('refuses a query of negative terms only, unless a positive term comes from elsewhere', () => {
    const e = syntaxError('-"people"  -photo:"a.jpg"');
    expect(e.message).toMatch(/at least one positive term/);
    expect([e.start, e.end]).toEqual([0, 25]);
    expect(parseQuery('-"people"', { positiveElsewhere: true })).toHaveLength(1);
  });

  it.each([
    ['"a red car" "at night', /Unclosed quote/, '"at night'],
    ['"a red car" people', /Put text in double quotes, like "a red car"/, 'people'],
    ['a red car', /Put text in double quotes/, 'a'],
    ['- "people"', /Missing term after "-"/, '-'],
    ['"a" +', /Missing term after "\+"/, '+'],
    ['2: "x"', /Missing term after the weight "2:"/, '2:'],
    ['-2:', /Missing term after the weight/, '-2:'],
    ['2 "at night"', /Put a colon between the weight and the term, like 2:"a red car"/, '2'],
    ['0:"x"', /weight of 0/, '0:'],
    ['0.0:"x"', /weight of 0/, '0.0:'],
    ['101:"x"', /too large: use a number up to 100/, '101:'],
    ['1e3:"x"', /"1e3" is not a weight/, '1e3:'],
    ['1.2.3:"x"', /not a weight/, '1.2.3:'],
    ['+-2:"x"', /one sign per term/, '-'],
    ['--"x"', /one sign per term/, '-'],
    ['2:-"x"', /Put the sign before the weight, like -2:/, '-'],
    ['2:3:"x"', /one weight per term/, '3:'],
    ['""', /Empty quotes/, '""'],
    ['"a"   "  "', /Empty quotes/, '"  "'],
    ['photo:""', /photo: needs a file path or name/, 'photo:""'],
    ['photo:IMG_1.jpg', /Put the photo's file path or name in double quotes/, 'photo:IMG_1.jpg'],
    ['photo: "a.jpg"', /Put the photo's file path or name in double quotes/, 'photo:'],
    ['image:"a.jpg"', /Unknown prefix "image:"/, 'image:'],
    ['Photo:"a.jpg"', /Unknown prefix "Photo:"/, 'Photo:'],
    [':"x"', /Unexpected ":"/, ':'],
    ['"a""b"', /Put a space between terms/, '"'],
    ['"a"b', /Put a space between terms/, 'b'],
  ])('%s: %s at %s', (input, message, part) => {
    expect(syntaxError(input).message).toMatch(message);
    expect(offending(input)).toBe(part);
  });

  it('accepts weights up to the maximum', () => {
    expect(parseQuery(`${MAX_WEIGHT}:"x" 0.001:"y"`).map((t) => t.weight)).toEqual([100, 0.001]);
  });
});

describe('quoteText, photoTerm, appendTerm', () => {
  it('quote any text so that it parses back unchanged', () => {
    for (const text of ['plain', 'say "hi"', 'ends with \\', '\\"', 'a\\\\b "" \\']) {
      const [term] = parseQuery(quoteText(text));
      expect(term).toMatchObject({ kind: 'text', text });
    }
  });

  it('write photo terms for a path and add them at the end of a query', () => {
    expect(photoTerm('Trip/IMG "1".jpg', false)).toBe('-photo:"Trip/IMG \\"1\\".jpg"');
    expect(appendTerm('', '+photo:"a.jpg"')).toBe('+photo:"a.jpg"');
    expect(appendTerm('"a red car"  ', '-photo:"a.jpg"')).toBe('"a red car" -photo:"a.jpg"');
    const query = appendTerm('"x"', photoTerm('d/b"\\.png', true));
    expect(parseQuery(query)[1]).toMatchObject({ kind: 'photo', photo: 'd/b"\\.png', weight: 1 });
  });
});

/** Seeded (mulberry32, as the other fuzz tests), so a failing case can be replayed. */
function random(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

describe('parseQuery fuzz', () => {
  const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const pieces = ['"', '\\', ':', '+', '-', ' ', '\n', 'photo', 'photo:', '2', '0', '.', '0.5', '101', 'a', 'red car', '🌅', '\u0000', 'é', '"x"', ':"'];

  type Term = { kind: 'text'; text: string; weight: number } | { kind: 'photo'; photo: string; weight: number };

  function randomTerm(rnd: () => number): { source: string; term: Term } {
    const sign = pick(rnd, ['', '+', '-']);
    const weight = pick(rnd, [null, 1, 2, 0.5, 37.25, 100]);
    const value = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(rnd, ['a', ' ', '"', '\\', ':', '-', 'é', '🌅', 'photo'])).join('') + 'z';
    const signed = (sign === '-' ? -1 : 1) * (weight ?? 1);
    const prefix = `${sign}${weight === null ? '' : `${weight}:`}`;
    return rnd() < 0.5
      ? { source: `${prefix}${quoteText(value)}`, term: { kind: 'text', text: value, weight: signed } }
      : { source: `${prefix}photo:${quoteText(value)}`, term: { kind: 'photo', photo: value, weight: signed } };
  }

  /** Either terms or a QuerySyntaxError whose span lies inside the input and is not empty. */
  function check(input: string): ParsedTerm[] | QuerySyntaxError {
    try {
      return parseQuery(input);
    } catch (e) {
      if (!(e instanceof QuerySyntaxError)) throw new Error(`${JSON.stringify(input)} threw ${String(e)}`, { cause: e });
      if (!(e.start >= 0 && e.start < e.end && e.end <= input.length)) throw new Error(`${JSON.stringify(input)}: bad span ${e.start}..${e.end}`, { cause: e });
      return e;
    }
  }

  it('generated queries parse back into their terms, with spans covering each term', () => {
    const rnd = random(20240601);
    for (let n = 0; n < 1500; n++) {
      const parts = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => randomTerm(rnd));
      if (!parts.some((p) => p.term.weight > 0)) parts.push({ source: '"z"', term: { kind: 'text', text: 'z', weight: 1 } });
      const gaps = parts.map(() => pick(rnd, [' ', '  ', '\n', '\t ']));
      const input = parts.map((p, i) => gaps[i] + p.source).join('');
      const terms = parseQuery(input);
      expect(terms.map(({ start: _s, end: _e, ...rest }) => rest)).toEqual(parts.map((p) => p.term));
      terms.forEach((t, i) => expect(input.slice(t.start, t.end)).toBe(parts[i]!.source));
    }
  });

  it('random and mutated inputs give terms or a QuerySyntaxError, never another exception', () => {
    const rnd = random(7);
    const started = performance.now();
    let errors = 0;
    for (let n = 0; n < 4000; n++) {
      let input: string;
      if (n % 2) {
        input = Array.from({ length: Math.floor(rnd() * 12) }, () => pick(rnd, pieces)).join('');
      } else {
        // A valid query, then a few characters inserted, deleted or replaced.
        const chars = [...randomTerm(rnd).source, ' ', ...randomTerm(rnd).source];
        for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) {
          const at = Math.floor(rnd() * (chars.length + 1));
          const op = rnd();
          if (op < 0.4) chars.splice(at, 0, pick(rnd, pieces));
          else if (op < 0.7) chars.splice(at, 1);
          else chars[at] = pick(rnd, pieces);
        }
        input = chars.join('');
      }
      if (check(input) instanceof QuerySyntaxError) errors++;
    }
    expect(errors).toBeGreaterThan(1000);
    expect(errors).toBeLessThan(4000);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
