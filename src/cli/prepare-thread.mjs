// The entry of a CLI decode thread: worker threads do not inherit the tsx loader the CLI runs
// under, so this registers it in the thread and then loads the TypeScript thread module.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-thread.ts');
