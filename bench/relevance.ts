// npm run report:relevance: the default cut between matches and the rest of the library
// (src/engine/query/relevance.ts), measured on the demo model and gallery (../shared/demo) with
// the worker's own search code. For each kind of query: how often the described scene is a
// match, how many matches there are, and how often the top result is one; for unrelated texts,
// how many matches they get (none is right). Prints a Markdown table and, last, one JSON line.
import { EMPTY_TEXT, MATCH_RELEVANCE } from '../src/engine/query/relevance';
import { EmbeddingMatrix } from '../src/engine/rank';
import { EmptyTextCache } from '../src/worker/empty-text';
import type { Query } from '../src/worker/protocol';
import { queryVector, rankedPage, type SearchDeps } from '../src/worker/search';
import { demo, demoLibrary } from './lib/demo-library';

/** Texts about nothing in the demo's synthetic scenes. */
const UNRELATED = [
  'a bowl of ramen on a wooden table',
  'my tax return documents from 2019',
  'a golden retriever running on the beach at sunset',
  'qwerty asdf zxcv',
  'a portrait of my grandmother smiling in the kitchen',
  'snowy mountains under a clear sky with skiers',
  'the quick brown fox jumps over the lazy dog',
  'receipt',
  'a cat',
  'a photo.',
  'birthday party with balloons and a cake',
];

const { engine, matrix: gallery } = await demoLibrary();

/** The search's dependencies over a library of the gallery's first `size` scenes. */
function library(size: number): SearchDeps {
  const matrix = new EmbeddingMatrix(gallery.dim, size, { prefilter: 'never' });
  for (const key of gallery.keyList().slice(0, size)) matrix.addUnit(key, gallery.get(key)!);
  const cache = new EmptyTextCache();
  return {
    matrix,
    embedTexts: async (texts, contextLength) => (await engine.encodeTexts(texts, contextLength)).map((t) => t.embedding),
    emptyText: () => cache.scoresFor(matrix, async () => (await engine.encodeTexts([EMPTY_TEXT]))[0]!.embedding),
  };
}
let deps = library(gallery.size);

interface Row {
  label: string;
  n: number;
  /** The described scene (or the query photo's twin) is a match. */
  hit: number;
  topIsMatch: number;
  matches: number[];
}
const rows: Row[] = [];

async function measure(label: string, cases: { query: Query; target: string | null }[]): Promise<void> {
  const row: Row = { label, n: cases.length, hit: 0, topIsMatch: 0, matches: [] };
  for (const c of cases) {
    const q = await queryVector(c.query, deps);
    const all = rankedPage(deps.matrix, q, { offset: 0, limit: null, only: null, matchesOnly: false });
    const matched = all.results.filter((r) => r.relevance >= MATCH_RELEVANCE).map((r) => r.hash);
    row.matches.push(matched.length);
    if (c.target && matched.includes(c.target)) row.hit++;
    if (all.results[0]!.relevance >= MATCH_RELEVANCE) row.topIsMatch++;
  }
  rows.push(row);
}

for (const context of [248, 77]) {
  for (const sentences of [false, true]) {
    const qs = demo.queries.filter((q) => q.context === context);
    await measure(
      `${context} tokens, ${sentences ? 'sentence-aware' : 'plain'}`,
      qs.map((q) => ({ query: { kind: 'text', text: q.query, contextLength: context, sentences }, target: q.target })),
    );
  }
}
const twinOf = new Map(demo.twins.flatMap(([a, b]) => [[a, b] as const, [b, a] as const]));
await measure(
  'More like this (target: the twin scene)',
  gallery.keyList().map((hash) => ({ query: { kind: 'photo', hash }, target: twinOf.get(hash) ?? null })),
);
await measure(
  'unrelated texts',
  UNRELATED.map((text) => ({ query: { kind: 'text', text, contextLength: 248, sentences: false }, target: null })),
);
// Small libraries: the first 6 and 12 scenes, with the queries that describe one of them.
for (const size of [6, 12]) {
  deps = library(size);
  const inside = new Set(deps.matrix.keyList());
  for (const sentences of [false, true]) {
    await measure(
      `248 tokens, ${sentences ? 'sentence-aware' : 'plain'}, a library of ${size}`,
      demo.queries
        .filter((q) => q.context === 248 && inside.has(q.target))
        .map((q) => ({ query: { kind: 'text', text: q.query, contextLength: 248, sentences }, target: q.target })),
    );
  }
}
await engine.release();

const pct = (x: number, n: number) => (n ? `${Math.round((100 * x) / n)}%` : '–');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
process.stderr.write(`Matches at relevance >= ${MATCH_RELEVANCE}, library of ${gallery.size} photos unless said\n\n`);
process.stderr.write('| queries | n | described scene is a match | top result is a match | matches: mean (min–max) |\n| --- | --- | --- | --- | --- |\n');
for (const r of rows) {
  const targets = r.label.startsWith('More like this') ? twinOf.size : r.label === 'unrelated texts' ? 0 : r.n;
  process.stderr.write(
    `| ${r.label} | ${r.n} | ${targets ? pct(r.hit, targets) : '–'} | ${pct(r.topIsMatch, r.n)} | ${mean(r.matches).toFixed(1)} (${Math.min(...r.matches)}–${Math.max(...r.matches)}) |\n`,
  );
}
process.stdout.write(`${JSON.stringify({ cut: MATCH_RELEVANCE, rows: rows.map((r) => ({ ...r, meanMatches: mean(r.matches) })) })}\n`);
