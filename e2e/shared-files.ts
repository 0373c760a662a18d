// Serves ../shared to test pages under /__shared/ (the fixtures are never copied into the repo).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';

export const sharedDir = process.env.LONGCLIP_SHARED ?? resolve(process.cwd(), '..', 'shared');
export const goldensDir = join(sharedDir, 'goldens');
export const demoDir = join(sharedDir, 'demo');

export async function serveShared(page: Page): Promise<void> {
  await page.route('**/__shared/**', async (route) => {
    const rel = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/__shared\//, ''));
    const file = join(sharedDir, rel);
    if (!file.startsWith(sharedDir) || !existsSync(file)) return route.fulfill({ status: 404 });
    await route.fulfill({ status: 200, body: readFileSync(file), headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
  });
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export { cosine, readF32 } from '../src/engine/testing/shared';
