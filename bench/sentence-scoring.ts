// npm run report:sentences: sentence-aware scoring against whole-text scoring on the demo model
// and gallery (../shared/demo): top-1 accuracy and mean reciprocal rank of each query's target,
// at the full 248-token context and cut to 77. Prints a Markdown table and, last, one JSON line.
import { sentenceAwareQuery } from '../src/engine/query/sentence-scoring';
import { splitSentences } from '../src/engine/query/sentences';
import { demo, demoLibrary, type DemoQuery } from './lib/demo-library';

const { engine, matrix } = await demoLibrary();

type Strategy = 'whole' | 'sentence-aware';
const ranks: Record<Strategy, { q: DemoQuery; rank: number }[]> = { whole: [], 'sentence-aware': [] };
const rankOf = (query: Float32Array, target: string) => matrix.rank(query).findIndex((r) => r.key === target) + 1;
for (const q of demo.queries) {
  const [whole] = await engine.encodeTexts([q.query], q.context);
  const sentences = await engine.encodeTexts(splitSentences(q.query), q.context);
  ranks.whole.push({ q, rank: rankOf(whole!.embedding, q.target) });
  ranks['sentence-aware'].push({
    q,
    rank: rankOf(
      sentenceAwareQuery(
        whole!.embedding,
        sentences.map((s) => s.embedding),
      ),
      q.target,
    ),
  });
}
await engine.release();

const summary: Record<string, Record<Strategy, { top1: number; mrr: number; n: number }>> = {};
for (const context of [248, 77]) {
  for (const kind of ['twin', 'all'] as const) {
    const key = `${kind}@${context}`;
    summary[key] = {} as Record<Strategy, { top1: number; mrr: number; n: number }>;
    for (const s of ['whole', 'sentence-aware'] as Strategy[]) {
      const rows = ranks[s].filter((r) => r.q.context === context && (kind === 'all' || r.q.kind === 'twin'));
      summary[key][s] = {
        n: rows.length,
        top1: rows.filter((r) => r.rank === 1).length / rows.length,
        mrr: rows.reduce((a, r) => a + 1 / r.rank, 0) / rows.length,
      };
    }
  }
}
const pct = (x: number) => `${Math.round(x * 100)}%`;
process.stderr.write('| queries | context | whole text: top-1 / MRR | sentence-aware: top-1 / MRR |\n| --- | --- | --- | --- |\n');
for (const [key, v] of Object.entries(summary)) {
  const [kind, context] = key.split('@');
  process.stderr.write(
    `| ${kind === 'twin' ? 'twins' : 'all'} (${v.whole.n}) | ${context} | ${pct(v.whole.top1)} / ${v.whole.mrr.toFixed(3)} | ${pct(v['sentence-aware'].top1)} / ${v['sentence-aware'].mrr.toFixed(3)} |\n`,
  );
}
process.stdout.write(`${JSON.stringify(summary)}\n`);
