// npm run bench:library [-- <photos> [<queries>]]: the library-scale figures alone (library-scale.ts),
// with what they need made first (the random B checkpoint, its float32 bundle, 4 photos).
import { ensureBInputs } from './lib/b-inputs';
import { libraryScaleBench } from './library-scale';

const [photos = '300000', queries = '20'] = process.argv.slice(2);
const { bundleDir, photosDir } = await ensureBInputs(4);
const result = await libraryScaleBench({ bundleDir, photosDir, photos: Number(photos), queries: Number(queries) });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
