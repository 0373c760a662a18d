// npm run classify on the demo gallery: the official zero-shot labels (../shared/demo/zeroshot.json),
// the output format, a bad image skipped, and one-line errors.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_TEMPLATE } from '../engine/query/zero-shot';
import { demoDir } from '../engine/testing/shared';
import { convertWithCli, runCli } from './testing/run-cli';

interface ZeroShotSet {
  labels: string[];
  templates: string[];
  images: { file: string; label: string; margin: number; scores: number[] }[];
}
interface Classified {
  labels: string[];
  templates: string[];
  images: { path: string; label: string; scores: number[] }[];
}
const sets = (JSON.parse(readFileSync(join(demoDir, 'zeroshot.json'), 'utf8')) as { sets: Record<string, ZeroShotSet> }).sets;
const gallery = join(demoDir, 'gallery');

describe('npm run classify', () => {
  const work = mkdtempSync(join(tmpdir(), 'longclip-classify-'));
  const bundle = join(work, 'bundle');
  const labelsFile = join(work, 'labels.txt');
  const broken = join(work, 'broken.png');

  beforeAll(async () => {
    const r = await convertWithCli(join(demoDir, 'demo-longclip.pt'), bundle, 'fp32');
    expect(r.code, r.stderr).toBe(0);
    // Blank lines and spaces around a name are not categories.
    writeFileSync(labelsFile, `${sets.backgrounds!.labels.map((l, i) => (i === 2 ? `  ${l} \n\n` : l)).join('\n')}\n`);
    writeFileSync(broken, 'not a png');
  }, 300_000);

  /** Our labels and scores against the official ones: labels where the margin is clear, every score within 0.01. */
  function differences(out: Classified, set: ZeroShotSet): string[] {
    const official = new Map(set.images.map((im) => [im.file, im]));
    return out.images.flatMap((im) => {
      const ref = official.get(im.path.split('/').pop()!)!;
      const bad = im.scores.flatMap((s, c) => (Math.abs(s - ref.scores[c]!) > 0.01 ? [`${ref.file} ${set.labels[c]}: ${s} vs ${ref.scores[c]}`] : []));
      if (ref.margin >= 0.002 && im.label !== ref.label) bad.push(`${ref.file}: ${im.label}, official ${ref.label}`);
      return bad;
    });
  }

  test('labels the gallery as the official recipe does, and skips a bad image with its reason', async () => {
    const set = sets.backgrounds!;
    const out = join(work, 'backgrounds.json');
    const r = await runCli('classify', ['--model', bundle, '--labels', labelsFile, '--template', set.templates[0]!, '--images', gallery, broken, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^skipped .*broken\.png: \S.*$/m);
    expect(r.stderr).toMatch(/wrote .*: 40 images, 1 skipped$/m);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Classified;
    expect(Object.keys(result)).toEqual(['labels', 'templates', 'images']);
    expect(result.labels).toEqual(set.labels);
    expect(result.templates).toEqual(set.templates);
    expect(result.images.map((im) => im.path)).toEqual(set.images.map((im) => join(gallery, im.file)));
    for (const im of result.images) {
      expect(Object.keys(im)).toEqual(['path', 'label', 'scores']);
      expect(im.scores).toHaveLength(set.labels.length);
      expect(im.label).toBe(set.labels[im.scores.indexOf(Math.max(...im.scores))]);
    }
    expect(differences(result, set)).toEqual([]);
  });

  test('--template repeats: the templates are averaged', async () => {
    const set = sets['backgrounds-ensemble']!;
    const out = join(work, 'ensemble.json');
    const templates = set.templates.flatMap((t) => ['--template', t]);
    const r = await runCli('classify', ['--model', bundle, '--labels', labelsFile, ...templates, '--images', gallery, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Classified;
    expect(result.templates).toEqual(set.templates);
    expect(result.images).toHaveLength(40);
    expect(differences(result, set)).toEqual([]);
  });

  test(`without --template it uses "${DEFAULT_TEMPLATE}"`, async () => {
    const out = join(work, 'default.json');
    const r = await runCli('classify', ['--model', bundle, '--labels', labelsFile, '--images', join(gallery, 'scene_000.png'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Classified;
    expect(result.templates).toEqual([DEFAULT_TEMPLATE]);
    expect(result.images.map((im) => im.path)).toEqual([join(gallery, 'scene_000.png')]);
  });

  test.each([
    [['--labels', '/nonexistent/labels.txt'], /\/nonexistent\/labels\.txt does not exist/],
    [['--labels', tmpdir()], /cannot be read \(EISDIR\)/],
    [['--labels', 'EMPTY'], /labels\.txt: no categories/],
    [['--labels', 'TWICE'], /twice\.txt: category "navy" is listed twice/],
    [['--template', 'A picture with a background.'], /--template: template "A picture with a background\." has no \{\} for the category name/],
    [['--images', 'EMPTY_DIR'], /no images in /],
    [['--images', '/nonexistent/photos'], /\/nonexistent\/photos does not exist/],
    [['--model', tmpdir()], /manifest\.json does not exist \(is .* a bundle written by npm run convert\?\)/],
  ])('%j fails with one clear line', async (change, message) => {
    const empty = join(work, 'empty', 'labels.txt');
    const twice = join(work, 'twice.txt');
    const emptyDir = join(work, 'no-images');
    mkdirSync(join(work, 'empty'), { recursive: true });
    mkdirSync(emptyDir, { recursive: true });
    writeFileSync(empty, '\n  \n');
    writeFileSync(twice, 'navy\nbeige\nnavy \n');
    const values = new Map([
      ['--model', bundle],
      ['--labels', labelsFile],
      ['--images', join(gallery, 'scene_000.png')],
      ['--out', join(work, 'error.json')],
    ]);
    const [flag, value] = change as [string, string];
    values.set(flag, { EMPTY: empty, TWICE: twice, EMPTY_DIR: emptyDir }[value] ?? value);
    const r = await runCli(
      'classify',
      [...values].flatMap(([f, v]) => [f, v]),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^error: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).toMatch(message);
  });

  test('--help prints its usage', async () => {
    const r = await runCli('classify', ['--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run classify -- --model <dir> --labels <labels\.txt>/);
  });
});
