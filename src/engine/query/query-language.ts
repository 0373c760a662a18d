// The "Advanced query" language: quoted texts and photos, each with an optional sign and weight.
//
//   query  := term (whitespace term)*
//   term   := [sign] [weight ':'] (quoted | photo)
//   sign   := '+' | '-'
//   weight := a positive decimal number up to 100 (2, 0.5, .5)
//   quoted := '"' text '"'     inside, \" is a quote and \\ a backslash; the text must not be blank
//   photo  := 'photo:' quoted  a library file path or name
//
// Example: "a red car" -"people" 2:"at night" -photo:"IMG_0001.jpg"
// Offsets (spans, errors) are 0-based UTF-16 indices into the input.

export const MAX_WEIGHT = 100;

export type ParsedTerm =
  { kind: 'text'; text: string; weight: number; start: number; end: number } | { kind: 'photo'; photo: string; weight: number; start: number; end: number };

/** A query that does not follow the grammar; `start`..`end` is the offending part of the input. */
export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

export interface ParseOptions {
  /** A positive term comes from elsewhere (the plain description), so negative terms alone are fine. */
  positiveElsewhere?: boolean;
}

const EXAMPLE_TEXT = '"a red car"';
const EXAMPLE_PHOTO = 'photo:"IMG_0001.jpg"';
const WEIGHT_PATTERN = /^(\d+(\.\d*)?|\.\d+)$/;

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/** Parses an advanced query into its terms (none for a blank input). Throws QuerySyntaxError. */
export function parseQuery(input: string, options: ParseOptions = {}): ParsedTerm[] {
  const terms: ParsedTerm[] = [];
  let i = 0;
  for (;;) {
    while (isSpace(input[i])) i++;
    if (i >= input.length) break;
    const term = parseTerm(input, i);
    terms.push(term);
    i = term.end;
    if (i < input.length && !isSpace(input[i])) throw new QuerySyntaxError('Put a space between terms.', i, i + 1);
  }
  if (terms.length && !options.positiveElsewhere && !terms.some((t) => t.weight > 0)) {
    throw new QuerySyntaxError('Add at least one positive term: negative terms alone have nothing to look for.', terms[0]!.start, terms[terms.length - 1]!.end);
  }
  return terms;
}

function parseTerm(input: string, start: number): ParsedTerm {
  let i = start;
  let sign = 1;
  const first = input[i];
  if (first === '+' || first === '-') {
    sign = first === '-' ? -1 : 1;
    i++;
    if (i >= input.length || isSpace(input[i])) {
      throw new QuerySyntaxError(`Missing term after "${first}": put the term right after the sign, like ${first}${EXAMPLE_TEXT}.`, start, i);
    }
    if (input[i] === '+' || input[i] === '-') throw new QuerySyntaxError('Use one sign per term.', i, i + 1);
  }

  let weight = 1;
  let weighted = false;
  let word = readWord(input, i);
  if (word.end < input.length && input[word.end] === ':' && looksNumeric(word.text)) {
    weighted = true;
    weight = parseWeight(word.text, i, word.end + 1);
    const afterWeight = word.end + 1;
    i = afterWeight;
    const next = input[i];
    if (next === undefined || isSpace(next)) {
      throw new QuerySyntaxError(
        `Missing term after the weight "${word.text}:": put the term right after it, like ${word.text}:${EXAMPLE_TEXT}.`,
        start,
        afterWeight,
      );
    }
    if (next === '+' || next === '-') {
      throw new QuerySyntaxError(`Put the sign before the weight, like ${next}${word.text}:${EXAMPLE_TEXT}.`, i, i + 1);
    }
    word = readWord(input, i);
    if (word.end < input.length && input[word.end] === ':' && looksNumeric(word.text)) {
      throw new QuerySyntaxError('Use one weight per term.', i, word.end + 1);
    }
  }

  const signed = sign * weight;
  if (word.text === '') {
    if (input[i] === '"') {
      const quoted = readQuoted(input, i);
      if (!quoted.value.trim()) throw new QuerySyntaxError(`Empty quotes: put some text between them, like ${EXAMPLE_TEXT}.`, i, quoted.end);
      return { kind: 'text', text: quoted.value, weight: signed, start, end: quoted.end };
    }
    // Only ':' is left (words stop at whitespace, quotes and colons).
    throw new QuerySyntaxError(`Unexpected ":": a term is text in double quotes, like ${EXAMPLE_TEXT}, or ${EXAMPLE_PHOTO}.`, i, i + 1);
  }
  if (input[word.end] === ':') {
    if (word.text === 'photo') return parsePhoto(input, start, i, signed);
    throw new QuerySyntaxError(
      `Unknown prefix "${word.text}:": the only prefix is photo:, as in ${EXAMPLE_PHOTO}, besides a weight like 2:${EXAMPLE_TEXT}.`,
      i,
      word.end + 1,
    );
  }
  if (!weighted && WEIGHT_PATTERN.test(word.text)) {
    throw new QuerySyntaxError(`Put a colon between the weight and the term, like ${word.text}:${EXAMPLE_TEXT}.`, i, word.end);
  }
  throw new QuerySyntaxError(`Put text in double quotes, like ${EXAMPLE_TEXT}.`, i, word.end);
}

function parsePhoto(input: string, start: number, prefixStart: number, weight: number): ParsedTerm {
  const open = prefixStart + 'photo:'.length;
  if (input[open] !== '"') {
    const word = readWord(input, open);
    const end = Math.max(open, word.end);
    throw new QuerySyntaxError(`Put the photo's file path or name in double quotes, like ${EXAMPLE_PHOTO}.`, prefixStart, end);
  }
  const quoted = readQuoted(input, open);
  if (!quoted.value.trim()) {
    throw new QuerySyntaxError(`photo: needs a file path or name between the quotes, like ${EXAMPLE_PHOTO}.`, prefixStart, quoted.end);
  }
  return { kind: 'photo', photo: quoted.value, weight, start, end: quoted.end };
}

/** The run of characters from `i` up to whitespace, a quote or a colon. */
function readWord(input: string, i: number): { text: string; end: number } {
  let end = i;
  while (end < input.length && !isSpace(input[end]) && input[end] !== '"' && input[end] !== ':') end++;
  return { text: input.slice(i, end), end };
}

function readQuoted(input: string, open: number): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  while (i < input.length) {
    const c = input[i]!;
    if (c === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) {
      value += input[i + 1];
      i += 2;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      value += c;
      i++;
    }
  }
  throw new QuerySyntaxError('Unclosed quote: add a closing ".', open, input.length);
}

function looksNumeric(word: string): boolean {
  return /^[0-9.]/.test(word);
}

function parseWeight(text: string, start: number, end: number): number {
  const weight = WEIGHT_PATTERN.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(weight)) throw new QuerySyntaxError(`"${text}" is not a weight: use a positive number like 2 or 0.5.`, start, end);
  if (weight === 0) throw new QuerySyntaxError('A weight of 0 leaves the term out: use a positive number like 0.5, or delete the term.', start, end);
  if (weight > MAX_WEIGHT) throw new QuerySyntaxError(`The weight ${text} is too large: use a number up to ${MAX_WEIGHT}.`, start, end);
  return weight;
}

/** `text` in double quotes, escaped so that parseQuery reads it back unchanged. */
export function quoteText(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A photo term for a file path: `+photo:"<path>"` or `-photo:"<path>"`. */
export function photoTerm(path: string, positive: boolean): string {
  return `${positive ? '+' : '-'}photo:${quoteText(path)}`;
}

/** The query with `term` added at its end, one space apart. */
export function appendTerm(query: string, term: string): string {
  const kept = query.trimEnd();
  return kept ? `${kept} ${term}` : term;
}
