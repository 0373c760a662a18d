import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
// Vite's native config loader runs this file in Node, which needs the extension: the one import that keeps it.
import { hostedModels } from './vite/hosted-models.ts';

// Cross-origin isolation gives SharedArrayBuffer, which onnxruntime-web needs for threaded WASM.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Offline use (production builds only): the service worker precaches the app shell and
// onnxruntime-web's .wasm. Precached responses are same-origin and keep the headers the server
// sent (COOP/COEP included), so a page started from the cache stays cross-origin isolated.
// Model bundles are large and kept by the app itself (IndexedDB + Cache API): the worker never
// touches /models/ or the test fixtures under /__shared/ — requests it does not route go to
// the network untouched.
const pwa = VitePWA({
  strategies: 'generateSW',
  registerType: 'autoUpdate',
  // Registered from code: src/pwa.ts `registerServiceWorker()`, called by src/main.tsx.
  injectRegister: false,
  // icon.svg is in the glob below; listing it twice would precache it twice.
  includeManifestIcons: false,
  manifest: {
    name: 'Long-CLIP photo search',
    short_name: 'Photo search',
    description: 'Private photo search with Long-CLIP, entirely in the browser.',
    theme_color: '#1e293b',
    background_color: '#0f172a',
    display: 'standalone',
    start_url: '.',
    scope: '.',
    icons: [
      { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      { src: 'icon.svg', sizes: '512x512', type: 'image/svg+xml', purpose: 'maskable' },
    ],
  },
  workbox: {
    // The manifest itself is added by the plugin.
    globPatterns: ['**/*.{html,js,mjs,css,wasm,svg,woff2}'],
    globIgnores: ['models/**', '__shared/**', '**/*.map'],
    // onnxruntime-web's WebGPU/JSEP .wasm is ~28 MB.
    maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
    // Hashed file names need no cache-busting query.
    dontCacheBustURLsMatching: /-[\w-]{8,}\.\w+$/,
    navigateFallback: 'index.html',
    navigateFallbackDenylist: [/^\/models\//, /^\/__shared\//],
    cleanupOutdatedCaches: true,
    // autoUpdate: a new version takes over at once (src/pwa.ts then reloads the page). Set
    // explicitly: the plugin only implies these when it injects the registration itself.
    skipWaiting: true,
    clientsClaim: true,
    // No runtimeCaching: nothing outside the precache list is ever stored by the worker.
  },
  // Off in `vite` dev so the dev server (and the Playwright tests on it) run without a worker.
  devOptions: { enabled: false },
});

export default defineConfig({
  plugins: [react(), hostedModels(), pwa],
  // E2E=1 (the Playwright dev server): no HMR, so an edit made while tests run never reloads their pages.
  server: { headers: isolation, ...(process.env.E2E ? { hmr: false } : {}) },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: {
    // Scan the worker and the test harness too, so the dev server never re-optimises (and
    // reloads the page) mid-test.
    entries: ['index.html', 'src/worker/engine-worker.ts', 'e2e/harness/index.html', 'e2e/harness/video.html'],
    // ORT locates its .wasm next to its own module; pre-bundling would move it.
    exclude: ['onnxruntime-web'],
  },
  build: { target: 'es2022' },
});
