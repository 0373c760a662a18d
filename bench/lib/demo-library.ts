// The demo queries (../shared/demo/demo.json) for the reports that measure ranking rules on the
// demo model; the model and gallery come from src/cli/testing/demo-library.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoDir } from '../../src/engine/testing/shared';

export { demoLibrary } from '../../src/cli/testing/demo-library';

export interface DemoQuery {
  query: string;
  kind: 'twin' | 'single';
  context: number;
  target: string;
}

export const demo = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8')) as { queries: DemoQuery[]; twins: [string, string][] };
