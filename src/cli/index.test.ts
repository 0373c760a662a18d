// `npm run index` on the demo model: what the file holds, that its embeddings and rankings are
// the engine's and the embed command's, that --in reuses embeddings, and that another model's
// index is refused.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import type { BundleManifest } from '../engine/bundle/manifest';
import { modelIdentity, modelKey } from '../engine/bundle/identity';
import { openIndexFile, type IndexReader } from '../engine/index-file/reader';
import { concat, identity } from '../engine/index-file/testing';
import { writeIndexFile } from '../engine/index-file/writer';
import { BufferSource } from '../engine/io/source';
import { preprocessClip } from '../engine/preprocess/clip-preprocess';
import { normalized } from '../engine/rank';
import { cosine, demoDir } from '../engine/testing/shared';
import { decodeImageFile } from './sharp-decoder';
import { loadNodeEngine } from './node-engine';
import { convertWithCli, runCli } from './testing/run-cli';

const gallery = join(demoDir, 'gallery');
const demo = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8')) as { queries: { query: string; context: number }[] };

const openFile = (path: string) => openIndexFile(new BufferSource(new Uint8Array(readFileSync(path)), path));

/** Each file name with its photo's embedding. */
async function vectorsByName(r: IndexReader): Promise<Map<string, Float32Array>> {
  const vectors = await r.vectors(0, r.header.photos.length);
  const byHash = new Map(r.header.photos.map((p, i) => [p.hash, vectors[i]!]));
  return new Map(r.header.files.map((f) => [f.path, byHash.get(f.hash)!]));
}

describe('npm run index', () => {
  const work = mkdtempSync(join(tmpdir(), 'longclip-index-'));
  const bundle = join(work, 'bundle');
  const photos = join(work, 'Holiday Photos');
  const out = join(work, 'first.lcindex');
  let first: { code: number; stderr: string };
  let manifest: BundleManifest;

  beforeAll(async () => {
    const c = await convertWithCli(join(demoDir, 'demo-longclip.pt'), bundle, 'fp16');
    expect(c.code, c.stderr).toBe(0);
    manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as BundleManifest;
    mkdirSync(join(photos, 'sub'), { recursive: true });
    for (const n of [0, 1, 2, 3, 4]) copyFileSync(join(gallery, `scene_00${n}.png`), join(photos, `scene_00${n}.png`));
    copyFileSync(join(gallery, 'scene_005.png'), join(photos, 'sub', 'scene_005.png'));
    copyFileSync(join(gallery, 'scene_000.png'), join(photos, 'sub', 'copy of 000.png'));
    writeFileSync(join(photos, 'broken.png'), 'not a png');
    first = await runCli('index', [photos, '--model', bundle, '--out', out]);
    expect(first.code, first.stderr).toBe(0);
  }, 300_000);

  test('writes the photos, their files (paths start with the folder name) and thumbnails, and skips what does not decode', async () => {
    const r = await openFile(out);
    expect(r.header.createdBy).toBe('cli');
    expect(r.header.model).toEqual(modelIdentity(manifest, 'demo-longclip'));
    expect(r.header.model.key).toBe(modelKey(manifest));
    expect(r.header.model.dtype).toBe('float16');
    expect(r.header.photos).toHaveLength(6);
    expect(r.header.files.map((f) => f.path).sort()).toEqual(
      ['scene_000.png', 'scene_001.png', 'scene_002.png', 'scene_003.png', 'scene_004.png', 'sub/copy of 000.png', 'sub/scene_005.png'].map(
        (p) => `Holiday Photos/${p}`,
      ),
    );
    const copy = r.header.files.find((f) => f.name === 'copy of 000.png')!;
    expect(copy).toMatchObject({ folder: 'Holiday Photos/sub', type: 'image/png', size: readFileSync(join(gallery, 'scene_000.png')).length });
    expect(copy.hash).toBe(r.header.files.find((f) => f.name === 'scene_000.png')!.hash);
    expect(first.stderr).toMatch(/skipped Holiday Photos\/broken\.png: not an image/);
    const p = r.header.photos[0]!;
    expect(p).toMatchObject({ width: 448, height: 448, type: 'image/png', thumbnail: { type: 'image/webp', width: 320, height: 320 } });
    const meta = await sharp((await r.thumbnail(0))!).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 320]);
  });

  test("its embeddings are the engine's", async () => {
    const r = await openFile(out);
    const engine = await loadNodeEngine(bundle);
    const byName = await vectorsByName(r);
    for (const [path, vector] of byName) {
      const image = await decodeImageFile(join(work, path));
      const [e] = await engine.encodeImages(preprocessClip(image, engine.resolution, manifest.mean, manifest.std), 1);
      expect(cosine(vector, e!), path).toBeGreaterThan(0.99999);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    await engine.release();
  });

  test('rankings from the file are the embed command’s', async () => {
    const texts = demo.queries
      .filter((q) => q.context === 248)
      .slice(0, 3)
      .map((q) => q.query);
    writeFileSync(join(work, 'texts.json'), JSON.stringify(texts));
    const e = await runCli('embed', ['--model', bundle, '--texts', join(work, 'texts.json'), '--images', photos, '--out', join(work, 'embed.json')]);
    expect(e.code, e.stderr).toBe(0);
    const embedded = JSON.parse(readFileSync(join(work, 'embed.json'), 'utf8')) as {
      texts: { embedding: number[] }[];
      images: { path: string; embedding: number[] }[];
    };
    const byName = await vectorsByName(await openFile(out));
    for (const t of embedded.texts) {
      const fromEmbed = embedded.images
        .map((im) => ({ path: im.path.slice(work.length + 1), score: cosine(t.embedding, im.embedding) }))
        .sort((a, b) => b.score - a.score);
      const q = normalized(t.embedding);
      const fromFile = [...byName].map(([path, v]) => ({ path, score: v.reduce((s, x, i) => s + x * q[i]!, 0) })).sort((a, b) => b.score - a.score);
      expect(fromFile.map((x) => x.path)).toEqual(fromEmbed.map((x) => x.path));
      fromFile.forEach((x, i) => expect(x.score).toBeCloseTo(fromEmbed[i]!.score, 5));
    }
  });

  test('--in reuses the embeddings of an earlier index and keeps its files', async () => {
    const more = join(work, 'More');
    mkdirSync(more);
    copyFileSync(join(gallery, 'scene_001.png'), join(more, 'again.png'));
    copyFileSync(join(gallery, 'scene_010.png'), join(more, 'scene_010.png'));
    // A camera JPEG: its capture date travels in the file, as the app's indexer records it.
    const taken = '2015:06:01 09:30:00';
    await sharp(join(gallery, 'scene_011.png'))
      .jpeg()
      .withExif({ IFD2: { DateTimeOriginal: taken } })
      .toFile(join(more, 'dated.jpg'));
    const next = join(work, 'next.lcindex');
    const r = await runCli('index', [more, '--model', bundle, '--in', out, '--out', next]);
    expect(r.code, r.stderr).toBe(0);
    // Two new photos are embedded; the six of the first index (again.png among them) come from it.
    expect(r.stderr).toMatch(/8 photos, 10 files \(2 embedded, 6 reused\)/);
    const before = await vectorsByName(await openFile(out));
    const after = await vectorsByName(await openFile(next));
    expect([...after.keys()].sort()).toEqual([...before.keys(), 'More/again.png', 'More/dated.jpg', 'More/scene_010.png'].sort());
    const dated = (await openFile(next)).header.files.find((f) => f.path === 'More/dated.jpg')!;
    expect(dated.extra).toEqual({ takenAt: Date.UTC(2015, 5, 1, 9, 30) });
    expect(dated.type).toBe('image/jpeg');
    for (const [path, v] of before) expect(Array.from(after.get(path)!)).toEqual(Array.from(v));
    expect(Array.from(after.get('More/again.png')!)).toEqual(Array.from(before.get('Holiday Photos/scene_001.png')!));
  });

  test('an index made with another model is refused with a message naming both', async () => {
    const other = join(work, 'other.lcindex');
    writeFileSync(other, concat(writeIndexFile({ createdBy: 'app', model: { ...identity('b'.repeat(64), 128), name: 'LongCLIP-B' }, photos: [], files: [] })));
    const r = await runCli('index', [photos, '--model', bundle, '--in', other, '--out', join(work, 'x.lcindex')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /was made with LongCLIP-B \(bbbbbbbbbbbb…, float16, converter 1\); the model in .* is demo-longclip \([0-9a-f]{12}…, float16, converter 1\)/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test.each([
    [['--model', '/nonexistent', '--out', '/tmp/x.lcindex'], /give exactly one folder/],
    [['/nonexistent-folder', '--model', '/nonexistent', '--out', '/tmp/x.lcindex'], /is not a folder/],
  ])('%j fails with one clear line', async (args, message) => {
    const r = await runCli('index', args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});
