// The CLI contract: outputs, --dump-pixels, skipped images, and one-line errors.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { cosine, goldensDir, loadGolden, readF32 } from '../engine/testing/shared';
import { convertWithCli, runCli } from './testing/run-cli';

const vocab = join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz');

describe('npm run convert / embed', () => {
  const work = mkdtempSync(join(tmpdir(), 'longclip-cli-'));
  const bundle = join(work, 'bundle');
  const golden = loadGolden();

  beforeAll(async () => {
    const r = await convertWithCli(join(goldensDir, 'tiny-longclip-fp32.pt'), bundle, 'fp16');
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  test('writes a bundle with a manifest that records the source', () => {
    const m = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'));
    expect(m.dtype).toBe('float16');
    expect(m.source.fileName).toBe('tiny-longclip-fp32.pt');
    expect(m.source.size).toBe(statSync(join(goldensDir, 'tiny-longclip-fp32.pt')).size);
    for (const f of Object.values<{ path: string; size: number }>(m.files)) expect(statSync(join(bundle, f.path)).size).toBe(f.size);
  });

  test('embeds texts and images, dumps pixels, and skips an unreadable image', async () => {
    const images = join(work, 'images');
    const texts = golden.texts.slice(0, 3).map((t) => t.text);
    writeFileSync(join(work, 'texts.json'), JSON.stringify(texts));
    mkdirSync(images, { recursive: true });
    copyFileSync(join(goldensDir, 'images/photo_800x600.jpg'), join(images, 'photo_800x600.jpg'));
    copyFileSync(join(goldensDir, 'images/rotated_exif6_600x400.jpg'), join(images, 'rotated_exif6_600x400.jpg'));
    writeFileSync(join(images, 'broken.png'), 'not a png');
    const r = await runCli('embed', [
      '--model',
      bundle,
      '--texts',
      join(work, 'texts.json'),
      '--images',
      images,
      '--dump-pixels',
      join(work, 'pixels'),
      '--out',
      join(work, 'out.json'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/skipped .*broken\.png/);
    const out = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8'));
    expect(out.texts.map((t: { text: string }) => t.text)).toEqual(texts);
    out.texts.forEach((t: { tokens: number[]; embedding: number[] }, i: number) => {
      expect(t.tokens).toEqual(golden.texts[i]!.tokens);
      expect(cosine(t.embedding, golden.texts[i]!.embedding)).toBeGreaterThanOrEqual(0.999);
    });
    expect(out.images.map((i: { path: string }) => i.path.split('/').pop())).toEqual(['photo_800x600.jpg', 'rotated_exif6_600x400.jpg']);
    for (const name of ['photo_800x600.jpg', 'rotated_exif6_600x400.jpg']) {
      const ours = readF32(join(work, 'pixels', `${name}.f32`));
      const ref = readF32(join(goldensDir, 'pixels', `${name}.f32`));
      let sum = 0;
      for (let i = 0; i < ref.length; i++) sum += Math.abs(ours[i]! - ref[i]!);
      expect(sum / ref.length).toBeLessThanOrEqual(0.006);
    }
    expect(existsSync(join(work, 'pixels', 'broken.png.f32'))).toBe(false);
  });

  test.each([
    [['convert', ['/nonexistent.pt', '--vocab', vocab, '--out', join(tmpdir(), 'x')]], /does not exist/],
    [['convert', [vocab, '--vocab', vocab, '--out', join(tmpdir(), 'x')]], /not a PyTorch checkpoint/],
    [['convert', [join(goldensDir, 'tiny-longclip-fp32.pt'), '--out', join(tmpdir(), 'x')]], /--vocab is required/],
    [
      ['convert', [join(goldensDir, 'tiny-longclip-fp32.pt'), '--vocab', vocab, '--out', join(tmpdir(), 'x'), '--dtype', 'int4']],
      /--dtype must be fp32, fp16 or int8/,
    ],
    [['embed', ['--model', '/nonexistent', '--out', join(tmpdir(), 'y.json')]], /manifest\.json does not exist/],
    [['embed', ['--model', join(tmpdir()), '--texts', vocab, '--out', join(tmpdir(), 'y.json')]], /not valid JSON/],
  ] as const)('%j fails with one clear line', async ([script, args], message) => {
    const r = await runCli(script, [...args]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr).toMatch(message);
  });
});

describe('--help', () => {
  test.each(['convert', 'embed', 'index'])('npm run %s -- --help (and -h) prints its usage and exits 0', async (script) => {
    for (const flag of ['--help', '-h']) {
      const r = await runCli(script, [flag]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: npm run ${script} -- `));
      expect(r.stdout.split('\n').length).toBeGreaterThan(4);
    }
  });
});
