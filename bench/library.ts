// npm run bench:library [-- <photos> [<queries>]]: the library-scale figures alone (library-scale.ts),
// with what they need made first (the random B checkpoint, its float32 bundle, 4 photos).
import { existsSync } from 'node:fs';
import { makePhotos } from './browser';
import { paths } from './lib/paths';
import { libraryScaleBench } from './library-scale';
import { convertInNode } from './node';
import { makeCheckpoint } from './pytorch';

const [photos = '300000', queries = '20'] = process.argv.slice(2);
await makeCheckpoint('B');
if (!existsSync(paths.bundle('B', 'fp32'))) await convertInNode(paths.checkpoint('B'), paths.bundle('B', 'fp32'), 'fp32');
await makePhotos(4);
const result = await libraryScaleBench({ bundleDir: paths.bundle('B', 'fp32'), photosDir: paths.photos, photos: Number(photos), queries: Number(queries) });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
