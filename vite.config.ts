import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation gives SharedArrayBuffer, which onnxruntime-web needs for threaded WASM.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: {
    // Scan the test harness too, so the dev server never re-optimises (and reloads) mid-test.
    entries: ['index.html', 'e2e/harness/index.html'],
    // ORT locates its .wasm next to its own module; pre-bundling would move it.
    exclude: ['onnxruntime-web'],
  },
  build: { target: 'es2022' },
});
