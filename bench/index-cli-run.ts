// npm run bench:index [-- <photos>]: index_cli_per_s against index_pytorch_per_s alone (index-cli.ts),
// with what it needs made first (the random B checkpoint, its float32 bundle, the photos).
import { existsSync } from 'node:fs';
import { makePhotos } from './browser';
import { indexCliBench } from './index-cli';
import { paths } from './lib/paths';
import { convertInNode } from './node';
import { makeCheckpoint } from './pytorch';

const photos = Number(process.argv[2] ?? 64);
await makeCheckpoint('B');
if (!existsSync(paths.bundle('B', 'fp32'))) await convertInNode(paths.checkpoint('B'), paths.bundle('B', 'fp32'), 'fp32');
await makePhotos(photos);
const result = await indexCliBench({ bundleDir: paths.bundle('B', 'fp32'), checkpoint: paths.checkpoint('B'), photosDir: paths.photos, photos });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
