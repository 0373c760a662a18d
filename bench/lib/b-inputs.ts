// The inputs the single-figure benchmark scripts share: the random B checkpoint, its float32
// bundle and `photos` generated 12-megapixel JPEGs (each made once, in bench/.cache).
import { existsSync } from 'node:fs';
import { makePhotos } from '../browser';
import { convertInNode } from '../node';
import { makeCheckpoint } from '../pytorch';
import { paths } from './paths';

export async function ensureBInputs(photos: number): Promise<{ checkpoint: string; bundleDir: string; photosDir: string }> {
  const checkpoint = await makeCheckpoint('B');
  const bundleDir = paths.bundle('B', 'fp32');
  if (!existsSync(bundleDir)) await convertInNode(checkpoint, bundleDir, 'fp32');
  await makePhotos(photos);
  return { checkpoint, bundleDir, photosDir: paths.photos };
}
