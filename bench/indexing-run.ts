// npm run bench:indexing [-- <photos>]: the indexing section of npm run bench alone (12 MP JPEGs
// through the app's worker and its replica, B float32 and int8, WASM), with its inputs made first.
import { existsSync } from 'node:fs';
import { indexingBench } from './browser';
import { ensureBInputs } from './lib/b-inputs';
import { paths } from './lib/paths';
import { convertInNode } from './node';

const photos = Number(process.argv[2] ?? 16);
const inputs = await ensureBInputs(photos);
const int8Dir = paths.bundle('B', 'int8');
if (!existsSync(int8Dir)) await convertInNode(inputs.checkpoint, int8Dir, 'int8');
const fp32 = await indexingBench({ bundleDir: inputs.bundleDir, photosDir: inputs.photosDir, provider: 'wasm', quick: false, photos, app: true });
const int8 = await indexingBench({ bundleDir: int8Dir, photosDir: inputs.photosDir, provider: 'wasm', quick: false, photos, app: false });
const summary = {
  indexing_photos_per_s: fp32.photos_per_s,
  decode_share: fp32.decode_share,
  indexing_photos_per_s_int8: int8.photos_per_s,
  decode_share_int8: int8.decode_share,
  replica_photos_per_s: fp32.replica.photos_per_s,
};
process.stdout.write(`${JSON.stringify({ fp32, int8, summary })}\n`);
process.exit(0);
