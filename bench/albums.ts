// npm run report:albums: the "Unsorted" rule of zero-shot albums (src/engine/query/unsorted.ts),
// measured on the demo model and gallery against ../shared/demo/zeroshot.json's true labels. For
// each candidate rule: how many photos it sorts, how many of those are right, and how many it
// leaves in "Unsorted" (with how many of them were wrong). Prints a Markdown table and, last,
// one JSON line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classify, classVectors, scoresOf } from '../src/engine/query/zero-shot';
import { CLEAR_LEAD, relativeMargin, scoreSpread } from '../src/engine/query/unsorted';
import { demoDir } from '../src/engine/testing/shared';
import { demoLibrary } from './lib/demo-library';

interface ZeroShotSet {
  labels: string[];
  templates: string[];
  images: { file: string; truth: string }[];
}
const sets = (JSON.parse(readFileSync(join(demoDir, 'zeroshot.json'), 'utf8')) as { sets: Record<string, ZeroShotSet> }).sets;

interface Rule {
  name: string;
  keep: (p: { margin: number; spread: number }) => boolean;
}
const rules: Rule[] = [
  { name: 'none (every photo sorted)', keep: () => true },
  ...[0.005, 0.01, 0.02].map((m) => ({ name: `margin ≥ ${m}`, keep: (p: { margin: number }) => p.margin >= m })),
  ...[0.1, 0.2, CLEAR_LEAD, 0.3, 0.5]
    .filter((k, i, all) => all.indexOf(k) === i)
    .sort((a, b) => a - b)
    .map((k) => ({ name: `margin ≥ ${k} × spread`, keep: (p: { margin: number; spread: number }) => relativeMargin(p.margin, p.spread) >= k })),
];

const { engine, matrix } = await demoLibrary();
const embedTexts = async (texts: string[]) => (await engine.encodeTexts(texts)).map((t) => t.embedding);

interface Row {
  set: string;
  rule: string;
  photos: number;
  sorted: number;
  correct: number;
  unsorted: number;
  unsortedWrong: number;
}
const rows: Row[] = [];
for (const [name, set] of Object.entries(sets)) {
  const result = classify(await classVectors(set.labels, set.templates, embedTexts), matrix);
  const truth = new Map(set.images.map((im) => [im.file, im.truth]));
  const photos = matrix.keyList().map((file, row) => {
    const scores = scoresOf(result, row);
    return { right: set.labels[result.best[row]!] === truth.get(file), margin: result.margin[row]!, spread: scoreSpread(scores) };
  });
  for (const rule of rules) {
    const kept = photos.filter((p) => rule.keep(p));
    const left = photos.filter((p) => !rule.keep(p));
    rows.push({
      set: name,
      rule: rule.name,
      photos: photos.length,
      sorted: kept.length,
      correct: kept.filter((p) => p.right).length,
      unsorted: left.length,
      unsortedWrong: left.filter((p) => !p.right).length,
    });
  }
}
await engine.release();

const pct = (x: number, n: number) => (n ? `${Math.round((1000 * x) / n) / 10}%` : '–');
process.stderr.write(`Demo gallery (${matrix.size} photos), zeroshot.json sets; rule in the app: margin ≥ ${CLEAR_LEAD} × spread\n\n`);
process.stderr.write('| set | rule | sorted | right among sorted | Unsorted | wrong among Unsorted |\n| --- | --- | --- | --- | --- | --- |\n');
for (const r of rows)
  process.stderr.write(
    `| ${r.set} | ${r.rule} | ${r.sorted} | ${r.correct} (${pct(r.correct, r.sorted)}) | ${r.unsorted} | ${r.unsortedWrong} of ${r.unsorted} |\n`,
  );
process.stdout.write(`${JSON.stringify({ clearLead: CLEAR_LEAD, rows })}\n`);
