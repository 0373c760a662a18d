// The "Advanced query" field turned into search terms: parsed (src/engine/query/query-language.ts),
// photo names resolved to content hashes through the library's files, and the plain description
// added as one more text term. Problems carry the span of the input they are about.
import { parseQuery, QuerySyntaxError } from '../engine/query/query-language';
import type { FileRecord } from '../library/schema';
import type { QueryTerm } from '../worker/protocol';

/** What is wrong with the advanced query, and where: 0-based offsets, the 1-based column and the offending part. */
export interface QueryProblem {
  message: string;
  start: number;
  end: number;
  column: number;
  excerpt: string;
}

export interface LibraryFiles {
  files: readonly Pick<FileRecord, 'path' | 'name' | 'hash'>[];
  /** Hashes with an embedding under the active model. */
  embedded: { has(hash: string): boolean };
}

export type AdvancedTerms = { terms: QueryTerm[]; problem: null } | { terms: null; problem: QueryProblem };

/**
 * The terms of the advanced query, then, when `description` is not blank, the description
 * itself (read whole, never parsed) as a text term of weight 1.
 */
export function advancedTerms(advanced: string, description: string, library: LibraryFiles): AdvancedTerms {
  const hasDescription = description.trim() !== '';
  let parsed;
  try {
    parsed = parseQuery(advanced, { positiveElsewhere: hasDescription });
  } catch (e) {
    if (!(e instanceof QuerySyntaxError)) throw e;
    return { terms: null, problem: problemAt(advanced, e.message, e.start, e.end) };
  }
  const terms: QueryTerm[] = [];
  for (const t of parsed) {
    if (t.kind === 'text') {
      terms.push({ kind: 'text', text: t.text, weight: t.weight });
      continue;
    }
    const found = resolvePhoto(t.photo, library);
    if ('message' in found) return { terms: null, problem: problemAt(advanced, found.message, t.start, t.end) };
    terms.push({ kind: 'photo', hash: found.hash, weight: t.weight });
  }
  if (hasDescription) terms.push({ kind: 'text', text: description, weight: 1 });
  return { terms, problem: null };
}

/** A file by its exact path, else by its name (copies of one photo under one name are not ambiguous). */
function resolvePhoto(ref: string, { files, embedded }: LibraryFiles): { hash: string } | { message: string } {
  const exact = files.find((f) => f.path === ref);
  const named = exact ? [exact] : files.filter((f) => f.name === ref);
  const hashes = new Set(named.map((f) => f.hash));
  if (hashes.size === 0) return { message: `No photo in the library is called "${ref}": use a file name or path as the library lists it.` };
  if (hashes.size > 1) {
    const paths = named.slice(0, 3).map((f) => `"${f.path}"`);
    const more = named.length > 3 ? ` and ${named.length - 3} more` : '';
    return { message: `"${ref}" is ambiguous: ${named.length} files have that name (${paths.join(', ')}${more}); use the full path, like photo:${paths[0]}.` };
  }
  const hash = named[0]!.hash;
  if (!embedded.has(hash)) return { message: `"${ref}" is not indexed under this model yet.` };
  return { hash };
}

/** The column counts characters as a person does (an emoji is one); a long excerpt is shortened. */
export function problemAt(input: string, message: string, start: number, end: number): QueryProblem {
  const column = Array.from(input.slice(0, start)).length + 1;
  const part = Array.from(input.slice(start, end));
  const excerpt = part.length > 40 ? `${part.slice(0, 39).join('')}…` : part.join('');
  return { message, start, end, column, excerpt };
}
