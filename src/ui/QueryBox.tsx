// The query: the description with its token counter, the CLIP view and sentence-aware switches,
// the advanced query, and the photo of "More like this".
import { useLibraryStore } from '../state/library-store';
import { queryPhotoName, useSearchStore } from '../state/search-store';
import { AdvancedQuery } from './AdvancedQuery';
import { TokenCounter } from './TokenCounter';

/** The query: a long description (Long-CLIP reads up to 248 tokens), CLIP view, or a photo. */
export function QueryBox() {
  const text = useSearchStore((s) => s.text);
  const setText = useSearchStore((s) => s.setText);
  const clipView = useSearchStore((s) => s.clipView);
  const setClipView = useSearchStore((s) => s.setClipView);
  const sentenceMode = useSearchStore((s) => s.sentenceMode);
  const setSentenceMode = useSearchStore((s) => s.setSentenceMode);
  const photoQuery = useSearchStore((s) => s.photoQuery);
  const clearPhotoQuery = useSearchStore((s) => s.clearPhotoQuery);
  const error = useSearchStore((s) => s.error);
  const photoName = useLibraryStore((s) => (photoQuery ? queryPhotoName(photoQuery, s.byHash) : null));

  return (
    <div className="query" role="search">
      <label htmlFor="query-text" className="query-label">
        Describe the photo
      </label>
      <textarea
        id="query-text"
        className="query-text"
        rows={4}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        aria-describedby="token-counter"
        spellCheck
      />
      <div className="query-bar">
        <TokenCounter />
        <div className="query-switches">
          <label className="switch">
            <input type="checkbox" role="switch" checked={clipView} onChange={(e) => setClipView(e.currentTarget.checked)} aria-describedby="clip-view-hint" />
            <span className="switch-track" aria-hidden="true" />
            CLIP view
          </label>
          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={sentenceMode}
              onChange={(e) => setSentenceMode(e.currentTarget.checked)}
              aria-describedby="sentence-mode-hint"
            />
            <span className="switch-track" aria-hidden="true" />
            Sentence-aware
          </label>
        </div>
      </div>
      {/* Said on the page, not in a tooltip that touch and keyboard users never see. */}
      <p className="hint switch-hints">
        <span id="clip-view-hint">CLIP view reads only the first 77 tokens, as plain CLIP would.</span>{' '}
        <span id="sentence-mode-hint">Sentence-aware also scores each sentence on its own, so late details count.</span>
      </p>
      <AdvancedQuery />
      {photoQuery && (
        <div className="photo-query">
          <p>
            Showing photos like <strong>{photoName ?? 'the chosen photo'}</strong>
          </p>
          <button type="button" className="ghost" onClick={clearPhotoQuery}>
            Back to the text query
          </button>
        </div>
      )}
      {error && (
        <p className="error-text" role="alert">
          The search failed: {error}
        </p>
      )}
    </div>
  );
}
