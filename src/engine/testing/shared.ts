// Test-only helpers: locate the read-only fixtures in ../shared (never copied into the repo).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const sharedDir = process.env.LONGCLIP_SHARED ?? resolve(repoRoot, '..', 'shared');
export const goldensDir = join(sharedDir, 'goldens');
export const demoDir = join(sharedDir, 'demo');

if (!existsSync(goldensDir)) {
  throw new Error(`golden fixtures not found at ${goldensDir} (set LONGCLIP_SHARED)`);
}

export interface GoldenText {
  text: string;
  tokens: number[];
  tokens_untruncated: number;
  embedding: number[];
}
export interface GoldenImage {
  file: string;
  pixels: string;
  upright_size: [number, number];
  embedding: number[];
}
export interface Golden {
  config: Record<string, unknown> & { mean: number[]; std: number[]; image_resolution: number };
  checkpoints: Record<string, string>;
  texts: GoldenText[];
  images: GoldenImage[];
  cosine_text_image: number[][];
  variants: { checkpoint: string; texts: { text: string; embedding: number[] }[]; images: { file: string; embedding: number[] }[] };
}

export function loadGolden(): Golden {
  return JSON.parse(readFileSync(join(goldensDir, 'golden.json'), 'utf8')) as Golden;
}

export function readF32(path: string): Float32Array {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!,
      y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}
