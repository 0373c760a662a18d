// The whole page, search first: the header with the set-up button and the Compute badge, error
// banners, the description box with the indexing progress, skipped files and results (or the
// duplicates view), the set-up panel (model, photos, index file) while it is open, and the viewer.
import { useRef, useState, type DragEvent, type MouseEvent } from 'react';
import { useAlbumsStore } from './state/albums-store';
import { useDuplicatesStore } from './state/duplicates-store';
import { useIndexingStore } from './state/indexing-store';
import { useLibraryStore } from './state/library-store';
import { useLayoutStore } from './state/layout-store';
import { useModelStore } from './state/model-store';
import { ComputeBadge } from './ui/ComputeBadge';
import { AlbumsView } from './ui/AlbumsView';
import { DuplicatesView } from './ui/DuplicatesView';
import { ErrorBanner } from './ui/ErrorBanner';
import { IndexingProgress } from './ui/IndexingProgress';
import { IndexTransfer } from './ui/IndexTransfer';
import { LibraryNotices } from './ui/LibraryNotices';
import { ModelPanel } from './ui/ModelPanel';
import { PhotoIntake } from './ui/PhotoIntake';
import { QueryBox } from './ui/QueryBox';
import { ResultsGrid } from './ui/ResultsGrid';
import { SetupToggle } from './ui/SetupToggle';
import { SkippedList } from './ui/SkippedList';
import { useSetupOpen } from './ui/useSetupOpen';
import { Viewer } from './ui/Viewer';

const carriesFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files');

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
  const showAlbums = useAlbumsStore((s) => s.open);
  const dismissLibraryError = useLibraryStore((s) => s.dismissError);
  const addDataTransfer = useIndexingStore((s) => s.addDataTransfer);
  const setupOpen = useSetupOpen();
  const keepSetup = useLayoutStore((s) => s.keepOpen);
  // Photos can be dropped anywhere on the page; the Photos panel's own drop zone handles its drops first.
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  function onDragEnter(e: DragEvent): void {
    if (!carriesFiles(e)) return;
    depth.current++;
    setDragging(true);
  }
  function onDragLeave(e: DragEvent): void {
    if (!carriesFiles(e)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  }
  function onDragOver(e: DragEvent): void {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  }
  function onDrop(e: DragEvent): void {
    depth.current = 0;
    setDragging(false);
    // A drop must never make the browser navigate away from the library.
    if (e.defaultPrevented) return;
    e.preventDefault();
    if (e.dataTransfer.files.length) void addDataTransfer(e.dataTransfer);
  }

  return (
    <div className="app" onDragEnter={onDragEnter} onDragLeave={onDragLeave} onDragOver={onDragOver} onDrop={onDrop}>
      {/* The first Tab stop: past the header, straight to the description box. */}
      <a className="skip-link" href="#query-text" onClick={focusSearch}>
        Skip to search
      </a>
      <header className="app-header">
        <h1>Photo search</h1>
        <p className="tagline">Private: your photos never leave this device.</p>
        <ComputeBadge />
        <SetupToggle open={setupOpen} />
      </header>
      <div className="banners">
        {modelError && <ErrorBanner title="Model" message={modelError} onDismiss={dismissModelError} />}
        {libraryError && <ErrorBanner title="Photos" message={libraryError} onDismiss={dismissLibraryError} />}
      </div>
      <div className="app-body">
        <main className="main">
          {/* The description box first: the indexing panel and notices appear below it, never pushing it down. */}
          <QueryBox />
          <LibraryNotices />
          <IndexingProgress />
          <SkippedList />
          {showAlbums ? <AlbumsView /> : showDuplicates ? <DuplicatesView /> : <ResultsGrid />}
        </main>
        {/* Set-up opens itself while something is missing (no model, no photos); the header's button opens it any time. */}
        {/* Once used, it stays open until closed: it does not vanish under the pointer when the last thing needed arrives. */}
        <aside id="setup-panel" className="sidebar" aria-label="Photos and model" hidden={!setupOpen} onPointerDown={keepSetup} onFocus={keepSetup}>
          {hasModel ? [<PhotoIntake key="photos" />, <ModelPanel key="model" />] : [<ModelPanel key="model" />, <PhotoIntake key="photos" />]}
          <IndexTransfer />
        </aside>
      </div>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>Drop photos or folders to add them</p>
        </div>
      )}
      <Viewer />
    </div>
  );
}
