// The whole page: the header with the Compute badge, error banners, the sidebar (model, photos,
// skipped files, index file) and the search with its results or the duplicates view, and the viewer.
import type { DragEvent, MouseEvent } from 'react';
import { useDuplicatesStore } from './state/duplicates-store';
import { useLibraryStore } from './state/library-store';
import { useModelStore } from './state/model-store';
import { ComputeBadge } from './ui/ComputeBadge';
import { DuplicatesView } from './ui/DuplicatesView';
import { ErrorBanner } from './ui/ErrorBanner';
import { IndexingProgress } from './ui/IndexingProgress';
import { IndexTransfer } from './ui/IndexTransfer';
import { LibraryNotices } from './ui/LibraryNotices';
import { ModelPanel } from './ui/ModelPanel';
import { PhotoIntake } from './ui/PhotoIntake';
import { QueryBox } from './ui/QueryBox';
import { ResultsGrid } from './ui/ResultsGrid';
import { SkippedList } from './ui/SkippedList';
import { Viewer } from './ui/Viewer';

/** A file dropped beside the drop zone must not make the browser navigate away from the library. */
function ignoreStrayDrop(e: DragEvent): void {
  if (!e.defaultPrevented) e.preventDefault();
}

/** The skip link moves the keyboard focus too (a fragment link only scrolls to a form field). */
function focusSearch(e: MouseEvent): void {
  const box = document.getElementById('query-text');
  if (!box) return;
  e.preventDefault();
  box.focus();
}

export function App() {
  const modelError = useModelStore((s) => s.error);
  const dismissModelError = useModelStore((s) => s.dismissError);
  const hasModel = useModelStore((s) => s.active !== null);
  const libraryError = useLibraryStore((s) => s.error);
  const showDuplicates = useDuplicatesStore((s) => s.open);
  const dismissLibraryError = useLibraryStore((s) => s.dismissError);

  return (
    <div className="app" onDragOver={ignoreStrayDrop} onDrop={ignoreStrayDrop}>
      {/* The first Tab stop: past the header and the set-up panels, straight to the description box. */}
      <a className="skip-link" href="#query-text" onClick={focusSearch}>
        Skip to search
      </a>
      <header className="app-header">
        <h1>Photo search</h1>
        <p className="tagline">Private: your photos never leave this device.</p>
        <ComputeBadge />
      </header>
      <div className="banners">
        {modelError && <ErrorBanner title="Model" message={modelError} onDismiss={dismissModelError} />}
        {libraryError && <ErrorBanner title="Photos" message={libraryError} onDismiss={dismissLibraryError} />}
      </div>
      <div className="app-body">
        <aside className="sidebar">
          {/* First things first: the model until one runs, then the photos. */}
          {hasModel
            ? [<PhotoIntake key="photos" />, <SkippedList key="skipped" />, <ModelPanel key="model" />]
            : [<ModelPanel key="model" />, <PhotoIntake key="photos" />, <SkippedList key="skipped" />]}
          <IndexTransfer />
        </aside>
        <main className="main">
          {/* The description box first: the indexing panel and notices appear below it, never pushing it down. */}
          <QueryBox />
          <LibraryNotices />
          <IndexingProgress />
          {showDuplicates ? <DuplicatesView /> : <ResultsGrid />}
        </main>
      </div>
      <Viewer />
    </div>
  );
}
