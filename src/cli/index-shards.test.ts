// `npm run index -- --shard k/n` and `merge`: three shards of a folder, merged, hold the same
// photos, files, thumbnails and embeddings as one run over the whole folder.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { openIndexFile, type IndexReader } from '../engine/index-file/reader';
import { concat, identity } from '../engine/index-file/testing';
import { writeIndexFile } from '../engine/index-file/writer';
import { BufferSource } from '../engine/io/source';
import { demoDir } from '../engine/testing/shared';
import { inShard, parseShard } from './shard';
import { convertWithCli, runCli } from './testing/run-cli';

const openFile = (path: string) => openIndexFile(new BufferSource(new Uint8Array(readFileSync(path)), path));

/** Everything an index file says, keyed so that order does not matter (the date a file was added aside). */
async function contents(r: IndexReader) {
  const vectors = await r.vectors(0, r.header.photos.length);
  const photos = new Map<string, unknown>();
  for (const [i, p] of r.header.photos.entries()) {
    const thumbnail = await r.thumbnail(i);
    photos.set(p.hash, {
      ...p,
      thumbnail: p.thumbnail && { ...p.thumbnail, offset: 0 },
      bytes: thumbnail && Array.from(thumbnail),
      vector: Array.from(vectors[i]!),
    });
  }
  const files = new Map(r.header.files.map(({ addedAt: _, ...f }) => [f.path, f]));
  return { model: r.header.model, photos, files };
}

describe('npm run index -- --shard k/n, then merge', () => {
  const work = mkdtempSync(join(tmpdir(), 'longclip-shards-'));
  const bundle = join(work, 'bundle');
  const photos = join(work, 'Archive');

  beforeAll(async () => {
    const c = await convertWithCli(join(demoDir, 'demo-longclip.pt'), bundle, 'fp16');
    expect(c.code, c.stderr).toBe(0);
    mkdirSync(join(photos, '2019'), { recursive: true });
    const scenes = readdirSync(join(demoDir, 'gallery')).slice(0, 14);
    scenes.forEach((name, i) => copyFileSync(join(demoDir, 'gallery', name), join(photos, i % 2 ? '2019' : '', name)));
    // The same bytes under two paths (maybe in two shards): one photo either way.
    copyFileSync(join(demoDir, 'gallery', scenes[0]!), join(photos, '2019', 'copy.png'));
  }, 300_000);

  test('the shards split the folder, and merged they equal one run', async () => {
    const whole = await runCli('index', [photos, '--model', bundle, '--out', join(work, 'whole.lcindex')]);
    expect(whole.code, whole.stderr).toBe(0);
    const shards: string[] = [];
    for (const k of [1, 2, 3]) {
      const out = join(work, `shard-${k}.lcindex`);
      const r = await runCli('index', [photos, '--model', bundle, '--out', out, '--shard', `${k}/3`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`shard ${k}/3: \\d+ of 15 files`));
      shards.push(out);
    }
    // Disjoint, covering, each of some size.
    const paths = await Promise.all(shards.map(async (s) => (await openFile(s)).header.files.map((f) => f.path)));
    expect(paths.flat().sort()).toEqual((await openFile(join(work, 'whole.lcindex'))).header.files.map((f) => f.path).sort());
    expect(new Set(paths.flat()).size).toBe(15);
    for (const p of paths) expect(p.length).toBeGreaterThan(0);

    const merged = await runCli('index', ['merge', ...shards, '--out', join(work, 'merged.lcindex')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/wrote .*merged\.lcindex: 14 photos, 15 files from 3 index files/);
    const a = await contents(await openFile(join(work, 'whole.lcindex')));
    const b = await contents(await openFile(join(work, 'merged.lcindex')));
    expect(b.model).toEqual(a.model);
    expect(b.files).toEqual(a.files);
    expect(b.photos).toEqual(a.photos);
  }, 300_000);

  test('a share follows from the path alone; bad shards and other models are refused', async () => {
    expect(parseShard('2/3')).toEqual({ k: 2, n: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/2/3']) expect(() => parseShard(bad)).toThrow(/--shard takes k\/n/);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[[1, 2, 3].find((k) => inShard(`2019/IMG_${i}.jpg`, { k, n: 3 }))! - 1]!++;
    for (const c of counts) expect(c).toBeGreaterThan(900);
    const r = await runCli('index', [photos, '--model', bundle, '--out', join(work, 'x.lcindex'), '--shard', '3/2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard takes k\/n/);
    const missing = await runCli('index', ['merge', join(work, 'nope.lcindex'), '--out', join(work, 'y.lcindex')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.lcindex: does not exist/);
    const other = join(work, 'other.lcindex');
    writeFileSync(other, concat(writeIndexFile({ createdBy: 'app', model: { ...identity('b'.repeat(64), 128), name: 'LongCLIP-B' }, photos: [], files: [] })));
    const mixed = await runCli('index', ['merge', join(work, 'shard-1.lcindex'), other, '--out', join(work, 'z.lcindex')]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/other\.lcindex was made with LongCLIP-B .*Only index files of one model can be merged\./);
  });
});
