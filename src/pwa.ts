/// <reference types="vite-plugin-pwa/client" />
// Offline use: registers the service worker that vite-plugin-pwa generates at build time (the
// app shell and onnxruntime-web's .wasm are precached; model bundles are not). In `vite` dev the
// plugin's register module is a no-op, so the dev server and the tests run without a worker.
import { registerSW } from 'virtual:pwa-register';

export interface ServiceWorkerOptions {
  /**
   * A new version was activated: the page must reload to use it (its old chunks are gone from
   * the cache). Default: reload at once. Pass a callback to postpone the reload, e.g. until an
   * indexing run ends.
   */
  onNeedReload?: () => void;
  /** The app shell is cached: the app now starts without a network. */
  onOfflineReady?: () => void;
}

/** Registers the service worker (production builds only); call once at start-up. */
export function registerServiceWorker(options: ServiceWorkerOptions = {}): void {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  registerSW({
    immediate: true,
    ...(options.onNeedReload ? { onNeedReload: options.onNeedReload } : {}),
    ...(options.onOfflineReady ? { onOfflineReady: options.onOfflineReady } : {}),
    onRegisterError(error: unknown) {
      // Offline use is an extra: the app works without it.
      console.warn('Service worker registration failed:', error);
    },
  });
}
