// The viewer's modal dialog: one photo (full size, else its thumbnail), its folder, date and score,
// its sentence matches, and Previous, Next, More like this and the example buttons.
import { useEffect, useRef } from 'react';
import { useLibraryStore } from '../state/library-store';
import { useModelStore } from '../state/model-store';
import { photoDateLabel } from '../state/refine';
import { useSearchStore } from '../state/search-store';
import { useViewerStore } from '../state/viewer-store';
import { ExampleButtons } from './ExampleButtons';
import { SentenceMatches } from './SentenceMatches';
import { useObjectUrl } from './useObjectUrl';
import type { ShownItem } from './useShownItems';
import { useThumbnailUrl } from './useThumbnailUrl';

interface Props {
  item: ShownItem;
  index: number;
  count: number;
}

/** A modal dialog with one photo: full size when the file is at hand, else its thumbnail. */
export function ViewerDialog({ item, index, count }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const indexRef = useRef(index);
  useEffect(() => {
    indexRef.current = index;
  }, [index]);
  const close = useViewerStore((s) => s.close);
  const step = useViewerStore((s) => s.step);
  const moreLikeThis = useSearchStore((s) => s.moreLikeThis);
  // The score shown is always the current query's: an earlier query's is not shown as if it were.
  const stale = useSearchStore((s) => s.stale);
  const hasModel = useModelStore((s) => s.active !== null);
  const sessionFile = useLibraryStore((s) => s.sessionFile);
  const { file, score } = item;

  const fullUrl = useObjectUrl(sessionFile(file.path));
  const thumbUrl = useThumbnailUrl(file.hash);

  // Open modally, move focus in; on close give focus back to what opened it (or the card now shown).
  useEffect(() => {
    const dialog = dialogRef.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    closeRef.current?.focus();
    return () => {
      if (dialog?.open) dialog.close();
      const card = document.querySelector<HTMLElement>(`[data-index="${indexRef.current}"] button`);
      (opener?.isConnected && opener !== document.body ? opener : card)?.focus();
    };
  }, []);

  // Keys work wherever focus is inside the page while the viewer is open.
  useEffect(() => {
    function onKey(e: KeyboardEvent): void {
      if (e.key === 'ArrowLeft') step(-1, count);
      else if (e.key === 'ArrowRight') step(1, count);
      else if (e.key === 'Escape') close();
      else return;
      e.preventDefault();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [step, close, count]);

  function onMoreLikeThis(): void {
    moreLikeThis(file.hash);
    close();
  }

  return (
    <dialog
      ref={dialogRef}
      className="viewer"
      aria-modal="true"
      aria-labelledby="viewer-title"
      onCancel={(e) => {
        e.preventDefault();
        close();
      }}
      onClose={() => {
        // A close event queued by an earlier close() (StrictMode remount) must not shut a reopened dialog.
        if (!dialogRef.current?.open) close();
      }}
    >
      <div className="viewer-stage">
        {fullUrl ? (
          <img src={fullUrl} alt={file.name} className="viewer-image" />
        ) : thumbUrl ? (
          <img src={thumbUrl} alt={file.name} className="viewer-image thumb-only" />
        ) : (
          <span className="viewer-image placeholder" aria-hidden="true" />
        )}
      </div>
      <div className="viewer-info">
        <h2 id="viewer-title" className="viewer-title">
          {file.name}
        </h2>
        <p className="viewer-meta">
          {file.folder && <span>{file.folder}</span>}
          <span>{photoDateLabel(file)}</span>
          {score !== null && <span>{stale ? 'Score: updating for the changed query…' : `Score ${score.toFixed(3)}`}</span>}
          <span>
            {index + 1} of {count}
          </span>
        </p>
        <SentenceMatches hash={file.hash} />
        {!fullUrl && <p className="hint">Add the folder again to view full size.</p>}
        <div className="viewer-actions">
          <button type="button" aria-disabled={index === 0} onClick={() => step(-1, count)}>
            Previous
          </button>
          <button type="button" aria-disabled={index === count - 1} onClick={() => step(1, count)}>
            Next
          </button>
          <button type="button" disabled={!hasModel} onClick={onMoreLikeThis}>
            More like this
          </button>
          <ExampleButtons path={file.path} disabled={!hasModel} />
          <button type="button" ref={closeRef} className="ghost" onClick={close}>
            Close
          </button>
        </div>
      </div>
    </dialog>
  );
}
