// The app's entry: renders it, registers the offline service worker, and starts the stores.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useIndexingStore } from './state/indexing-store';
import { useLibraryStore } from './state/library-store';
import { useModelStore } from './state/model-store';
import { installTestHooks } from './state/test-hooks';
import { registerServiceWorker } from './pwa';
// oxlint-disable-next-line import/extensions -- a stylesheet, not a module
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

registerServiceWorker();
installTestHooks();
void useModelStore.getState().init();
void (async () => {
  // The indexing run starts from the library as it is read.
  if (await useLibraryStore.getState().init()) await useIndexingStore.getState().init();
})();
