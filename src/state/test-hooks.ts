// With `?e2e` only: window.__longclipTest lets tests ask the running worker for the pixels it
// would embed (the worker answers `debug-pixels` only under the same flag).
import { debugFlagsFrom } from '../worker/debug-flags';
import { engineClient } from './engine-client';

declare global {
  interface Window {
    /** Test-only access to the worker, installed with ?e2e in the URL. */
    __longclipTest?: { pixels(files: File[]): Promise<{ resolution: number; pixels: number[][] }> };
  }
}

export function installTestHooks(): void {
  if (!debugFlagsFrom(location.search).e2e) return;
  window.__longclipTest = {
    async pixels(files) {
      const { resolution, pixels } = await engineClient().call({ type: 'debug-pixels', files: files.map((file) => ({ file, path: file.name })) });
      return { resolution, pixels: pixels.map((p) => Array.from(p)) };
    },
  };
}
