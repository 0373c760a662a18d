// Where the benchmark keeps what it generates (git-ignored): checkpoints, bundles, exports, photos.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = process.env.BENCH_CACHE ?? join(repoRoot, 'bench', '.cache');
export const goldensDir = join(process.env.LONGCLIP_SHARED ?? resolve(repoRoot, '..', 'shared'), 'goldens');
export const mergesFile = join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz');

export type Shape = 'B' | 'L';

export const paths = {
  /** Random-weight checkpoint in the official torch.save(state_dict) format. */
  checkpoint: (s: Shape) => join(cacheDir, `longclip-${s}-random.pt`),
  /** This engine's bundle of that checkpoint (npm run convert). */
  bundle: (s: Shape, dtype: 'fp32' | 'fp16' | 'int8') => join(cacheDir, `bundle-${s}-${dtype}`),
  /** torch.onnx.export of the PyTorch module (the peer route): image.onnx, text.onnx. */
  torchExport: (s: Shape) => join(cacheDir, `torch-export-${s}`),
  /** Generated 4000 x 3000 JPEG photos. */
  photos: join(cacheDir, 'photos'),
};

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
