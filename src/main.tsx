import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useLibraryStore } from './state/library-store';
import { useModelStore } from './state/model-store';
import { installTestHooks } from './state/test-hooks';
import { registerServiceWorker } from './pwa';
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
void useLibraryStore.getState().init();
