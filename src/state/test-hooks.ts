import type { IntakeFile } from '../worker/protocol';
import { engineClient } from './engine-client';

declare global {
  interface Window {
    /** Test-only access to the worker, installed with ?e2e in the URL. */
    __longclipTest?: { pixels(files: File[]): Promise<{ resolution: number; pixels: number[][] }> };
  }
}

/** With `?e2e`, tests can ask the running worker for the pixels it would embed. */
export function installTestHooks(): void {
  if (!new URLSearchParams(location.search).has('e2e')) return;
  window.__longclipTest = {
    async pixels(files) {
      const intake: IntakeFile[] = files.map((file) => ({ file, path: file.name }));
      const { resolution, pixels } = await engineClient().call({ type: 'debug-pixels', files: intake });
      return { resolution, pixels: pixels.map((p) => Array.from(p)) };
    },
  };
}
