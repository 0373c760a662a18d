import { describe, expect, it } from 'vitest';
import { advancedTerms, problemAt, type LibraryFiles } from './advanced-query';

const file = (path: string, hash: string) => ({ path, name: path.split('/').pop()!, hash });
const library: LibraryFiles = {
  files: [file('Trip/IMG_1.jpg', 'h1'), file('Home/IMG_1.jpg', 'h2'), file('Trip/beach.png', 'h3'), file('Copies/beach.png', 'h3'), file('Trip/new.png', 'h4')],
  embedded: new Set(['h1', 'h2', 'h3']),
};

describe('advancedTerms', () => {
  it('turns the parsed terms into search terms, photos by content hash', () => {
    expect(advancedTerms('"a red car" -2:photo:"Trip/IMG_1.jpg" 0.5:photo:"beach.png"', '', library)).toEqual({
      terms: [
        { kind: 'text', text: 'a red car', weight: 1 },
        { kind: 'photo', hash: 'h1', weight: -2 },
        { kind: 'photo', hash: 'h3', weight: 0.5 },
      ],
      problem: null,
    });
  });

  it('adds the plain description, read whole and never parsed, as one more text term of weight 1', () => {
    const description = 'A "quoted" word - and a hyphen: 2:"x"';
    expect(advancedTerms('-photo:"Home/IMG_1.jpg"', description, library).terms).toEqual([
      { kind: 'photo', hash: 'h2', weight: -1 },
      { kind: 'text', text: description, weight: 1 },
    ]);
  });

  it('refuses negative terms alone when there is no description', () => {
    expect(advancedTerms('-"people"', '  ', library).problem?.message).toMatch(/at least one positive term/);
  });

  it('reports syntax errors with their span', () => {
    expect(advancedTerms('"a" people', '', library).problem).toEqual({
      message: expect.stringMatching(/double quotes/),
      start: 4,
      end: 10,
      column: 5,
      excerpt: 'people',
    });
  });

  it('names an unknown, an ambiguous or a not yet indexed photo, at its term', () => {
    const unknown = advancedTerms('"x" photo:"nope.jpg"', '', library).problem;
    expect(unknown).toMatchObject({
      message: expect.stringContaining('No photo in the library is called "nope.jpg"'),
      start: 4,
      end: 20,
      excerpt: 'photo:"nope.jpg"',
    });
    const ambiguous = advancedTerms('photo:"IMG_1.jpg"', '', library).problem;
    expect(ambiguous?.message).toMatch(/"IMG_1.jpg" is ambiguous: 2 files have that name \("Trip\/IMG_1.jpg", "Home\/IMG_1.jpg"\); use the full path/);
    expect(advancedTerms('photo:"new.png"', '', library).problem?.message).toBe('"new.png" is not indexed under this model yet.');
  });
});

describe('problemAt', () => {
  it('counts columns in characters from 1 and quotes the offending part, shortened when long', () => {
    expect(problemAt('"🌅" people', 'm', 5, 11)).toEqual({ message: 'm', start: 5, end: 11, column: 5, excerpt: 'people' });
    const long = `"${'a'.repeat(60)}`;
    expect(problemAt(long, 'm', 0, long.length)).toMatchObject({ column: 1, excerpt: `"${'a'.repeat(38)}…` });
  });
});
