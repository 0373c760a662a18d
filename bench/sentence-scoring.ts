// npm run report:sentences: sentence-aware scoring against whole-text scoring on the demo model
// and gallery (../shared/demo): top-1 accuracy and mean reciprocal rank of each query's target,
// at the full 248-token context and cut to 77. Prints a Markdown table and, last, one JSON line.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { convertCheckpoint } from '../src/engine/bundle/convert';
import { blobBundleFiles } from '../src/engine/bundle/files';
import { BlobBundleOutput } from '../src/engine/bundle/output';
import { BlobSource } from '../src/engine/io/source';
import { ImageEmbedder, type EmbeddedImage } from '../src/engine/embed/image-embedder';
import { sentenceAwareQuery } from '../src/engine/query/sentence-scoring';
import { splitSentences } from '../src/engine/query/sentences';
import { EmbeddingMatrix } from '../src/engine/rank';
import { ClipEngine } from '../src/engine/session/clip-engine';
import { sharpPhotoDecoder, type BytesThumbnail } from '../src/cli/sharp-decoder';
import { demoDir, goldensDir } from '../src/engine/testing/shared';

ort.env.wasm.numThreads = 1;

interface DemoQuery {
  query: string;
  kind: 'twin' | 'single';
  context: number;
  target: string;
}
const demo = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8')) as { queries: DemoQuery[] };

const out = new BlobBundleOutput();
const ckpt = readFileSync(join(demoDir, 'demo-longclip.pt'));
await convertCheckpoint(
  new BlobSource(new Blob([ckpt]), 'demo-longclip.pt'),
  new Uint8Array(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'))),
  out,
  { dtype: 'float32' },
);
const engine = await ClipEngine.load(ort, blobBundleFiles(out.files), { provider: 'wasm' });

const gallery = readdirSync(join(demoDir, 'gallery'))
  .filter((f) => f.endsWith('.png'))
  .sort();
const matrix = new EmbeddingMatrix(engine.embedDim, gallery.length, { prefilter: 'never' });
const embedder = new ImageEmbedder<BytesThumbnail, string>(engine.manifest, (pixels, n) => engine.encodeImages(pixels, n), sharpPhotoDecoder, {
  thumbnails: false,
});
const keep = (batch: EmbeddedImage<BytesThumbnail, string>[]) => batch.forEach((p) => matrix.addUnit(p.payload, p.vector));
for (const file of gallery) {
  await embedder.addPhoto(await readFile(join(demoDir, 'gallery', file)), 'image/png', file);
  if (embedder.full) keep(await embedder.embed());
}
keep(await embedder.embed());

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
