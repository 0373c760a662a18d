// A remembered folder in headless Chromium, where the folder picker cannot be driven: the origin
// private file system stands in for the picked folder "Gallery", and the read permission the
// page sees is what localStorage says (`e2e-permission`; a reloaded page can be made to ask again).
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { galleryFiles } from './demo-app';

/** showDirectoryPicker answers with the private folder "Gallery"; permissions follow localStorage. */
export async function fakeFolderPicker(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> };
    w.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle('Gallery');
    const proto = FileSystemHandle.prototype as unknown as Record<string, () => Promise<PermissionState>>;
    proto.queryPermission = async () => (localStorage.getItem('e2e-permission') as PermissionState | null) ?? 'granted';
    proto.requestPermission = async () => {
      localStorage.setItem('e2e-permission', 'granted');
      return 'granted';
    };
  });
}

/** Writes the demo gallery into the private folder "Gallery". */
export async function writeGalleryFolder(page: Page): Promise<void> {
  const gallery = galleryFiles.map((f) => ({ name: f.split('/').pop()!, bytes: [...readFileSync(f)] }));
  await page.evaluate(async (files) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('Gallery', { create: true });
    for (const f of files) {
      const w = await (await dir.getFileHandle(f.name, { create: true })).createWritable();
      await w.write(new Uint8Array(f.bytes));
      await w.close();
    }
  }, gallery);
}
