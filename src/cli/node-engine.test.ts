// The CLI's engine: onnxruntime-node computes what the WASM engine computes (golden texts and
// pixels), and it falls back, with a line saying why, where the binding or CUDA cannot load.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { cosine, goldensDir, loadGolden, readF32 } from '../engine/testing/shared';
import { loadNodeEngine, parseDevice } from './node-engine';
import { convertWithCli } from './testing/run-cli';

describe('onnxruntime-node in the CLI', () => {
  const bundle = join(mkdtempSync(join(tmpdir(), 'longclip-native-')), 'bundle');
  const golden = loadGolden();

  beforeAll(async () => {
    const r = await convertWithCli(join(goldensDir, 'tiny-longclip-fp32.pt'), bundle, 'fp32');
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  test('the native CPU engine gives the WASM engine’s embeddings and the official ones (cosine ≥ 0.99999)', async () => {
    const native = await loadNodeEngine(bundle);
    const wasm = await loadNodeEngine(bundle, { device: 'wasm' });
    expect([native.provider, wasm.provider]).toEqual(['cpu', 'wasm']);
    const ids = golden.texts.map((t) => Int32Array.from(t.tokens));
    const [a, b] = [await native.encodeTokenIds(ids), await wasm.encodeTokenIds(ids)];
    golden.texts.forEach((t, i) => {
      expect(cosine(a[i]!, b[i]!), t.text).toBeGreaterThanOrEqual(0.99999);
      expect(cosine(a[i]!, t.embedding), t.text).toBeGreaterThanOrEqual(0.99999);
    });
    const size = 3 * native.resolution * native.resolution;
    const pixels = new Float32Array(golden.images.length * size);
    golden.images.forEach((im, i) => pixels.set(readF32(join(goldensDir, im.pixels)), i * size));
    const [x, y] = [await native.encodeImages(pixels, golden.images.length), await wasm.encodeImages(pixels, golden.images.length)];
    golden.images.forEach((im, i) => {
      expect(cosine(x[i]!, y[i]!), im.file).toBeGreaterThanOrEqual(0.99999);
      expect(cosine(x[i]!, im.embedding), im.file).toBeGreaterThanOrEqual(0.99999);
    });
    await native.release();
    await wasm.release();
  });

  test('a binding that cannot load falls back to WASM, saying so in one line', async () => {
    const lines: string[] = [];
    const engine = await loadNodeEngine(bundle, {
      importNative: () => Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file\n  at dlopen')),
      onProgress: (line) => lines.push(line),
    });
    expect(engine.provider).toBe('wasm');
    expect(lines).toContain(
      "onnxruntime-node could not load (libonnxruntime.so.1: cannot open shared object file); running on onnxruntime-web's WASM, one thread",
    );
    await engine.release();
  });

  test('--device cuda runs on CUDA where it is installed, else on the CPU, saying why', async () => {
    const lines: string[] = [];
    const engine = await loadNodeEngine(bundle, { device: 'cuda', onProgress: (line) => lines.push(line) });
    if (engine.provider === 'cuda') expect(lines.join('\n')).not.toMatch(/CUDA could not start/);
    else {
      expect(engine.provider).toBe('cpu');
      expect(lines.join('\n')).toMatch(/^CUDA could not start \(.*\); running on the CPU \(npm run setup:cuda installs onnxruntime's CUDA provider\)$/m);
    }
    await engine.release();
  });

  test('--device takes cpu, cuda or wasm', () => {
    expect(parseDevice(undefined)).toBe('cpu');
    expect(parseDevice('wasm')).toBe('wasm');
    expect(() => parseDevice('tpu')).toThrow('--device must be cpu, cuda or wasm, not tpu');
  });
});
