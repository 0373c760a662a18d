// Debian's Chromium as every benchmark launches it (the flags the README's test set-up names).
// BENCH_CHROMIUM_FLAGS adds flags (bench:gpu on a GPU machine: e.g. --enable-features=Vulkan --use-angle=vulkan --ignore-gpu-blocklist).

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  ...(process.env.BENCH_CHROMIUM_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
];
