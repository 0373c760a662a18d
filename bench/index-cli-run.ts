// npm run bench:index [-- <photos>]: index_cli_per_s against index_pytorch_per_s alone (index-cli.ts),
// with what it needs made first (the random B checkpoint, its float32 bundle, the photos).
import { indexCliBench } from './index-cli';
import { ensureBInputs } from './lib/b-inputs';

const photos = Number(process.argv[2] ?? 64);
const inputs = await ensureBInputs(photos);
const result = await indexCliBench({ ...inputs, photos });
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
