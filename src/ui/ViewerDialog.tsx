// The viewer's modal dialog: one photo (full size, else its thumbnail and why), its folder, date
// and score, its sentence matches, and Previous, Next, More like this and the example buttons.
import { useEffect, useRef, useState } from 'react';
import { isVideoFile } from '../library/classify';
import { useModelStore } from '../state/model-store';
import { photoDateLabel } from '../state/refine';
import { useSearchStore } from '../state/search-store';
import { useViewerStore } from '../state/viewer-store';
import { relevanceDetail } from './describe';
import { ExampleButtons } from './ExampleButtons';
import { RelevanceMark } from './RelevanceMark';
import { SentenceMatches } from './SentenceMatches';
import { useFullSizePhoto } from './useFullSizePhoto';
import type { ShownItem } from './useShownItems';
import { useThumbnailUrl } from './useThumbnailUrl';
import { MomentStrip, useVideoMoments, VideoPlayer } from './VideoMoments';

interface Props {
  item: ShownItem;
  index: number;
  count: number;
}

/** A modal dialog with one photo: full size when its file can be read, else its thumbnail. */
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
  const { file, score } = item;

  const { url: fullUrl, view: fullSize, allow: allowFullSize } = useFullSizePhoto(file.path);
  const isVideo = isVideoFile(file.name, file.type);
  // A video opens at the moment the query found; the strip's moments move it.
  const best = item.moment?.ms ?? 0;
  const [at, setAt] = useState({ path: file.path, ms: best });
  const atMs = at.path === file.path ? at.ms : best;
  const moments = useVideoMoments(file.hash, isVideo && score !== null && !stale);
  const frame = moments.find((m) => m.ms === atMs)?.frame ?? item.moment?.frame;
  const thumbUrl = useThumbnailUrl(isVideo && frame ? frame : file.hash);

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

  // The Show full size button goes once the photo shows: focus stays in the dialog.
  useEffect(() => {
    if (fullSize.kind !== 'permission' && !dialogRef.current?.contains(document.activeElement)) closeRef.current?.focus();
  }, [fullSize.kind]);

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
    // From a video: the frame shown is the query.
    moreLikeThis(isVideo && frame ? frame : file.hash);
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
      <div className="viewer-head">
        <h2 id="viewer-title" className="viewer-title">
          {file.name}
        </h2>
        <button type="button" ref={closeRef} className="ghost viewer-close" aria-label="Close" title="Close (Esc)" onClick={close}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="viewer-stage">
        {fullUrl && isVideo ? (
          <VideoPlayer key={fullUrl} url={fullUrl} at={atMs} name={file.name} />
        ) : fullUrl ? (
          <img src={fullUrl} alt={file.name} className="viewer-image" />
        ) : thumbUrl ? (
          <img src={thumbUrl} alt={file.name} className="viewer-image thumb-only" />
        ) : (
          <span className="viewer-image placeholder" aria-hidden="true" />
        )}
      </div>
      <div className="viewer-info">
        <p className="viewer-meta">
          {file.folder && <span>{file.folder}</span>}
          <span>{photoDateLabel(file)}</span>
          {score !== null &&
            (stale ? (
              <span>Score: updating for the changed query…</span>
            ) : (
              <>
                {item.relevance !== null && (
                  <span>
                    <RelevanceMark relevance={item.relevance} /> ({relevanceDetail(item.relevance)})
                  </span>
                )}
                <span>Score {score.toFixed(3)}</span>
              </>
            ))}
          <span>
            {index + 1} of {count}
          </span>
        </p>
        {fullSize.kind === 'permission' && (
          <p className="viewer-full-size">
            <span>Full size needs permission to read the folder “{fullSize.folder}” again.</span>
            <button type="button" onClick={() => void allowFullSize()}>
              Show full size
            </button>
          </p>
        )}
        {fullSize.kind === 'unavailable' && <p className="viewer-full-size">{fullSize.message}</p>}
        {isVideo && <MomentStrip moments={moments} at={atMs} onPick={(ms) => setAt({ path: file.path, ms })} />}
        <SentenceMatches hash={file.hash} />
        <div className="viewer-actions">
          <div className="viewer-nav">
            <button type="button" aria-disabled={index === 0} onClick={() => step(-1, count)}>
              Previous
            </button>
            <button type="button" aria-disabled={index === count - 1} onClick={() => step(1, count)}>
              Next
            </button>
          </div>
          <button type="button" disabled={!hasModel} onClick={onMoreLikeThis}>
            More like this
          </button>
          <ExampleButtons path={file.path} disabled={!hasModel} />
        </div>
      </div>
    </dialog>
  );
}
