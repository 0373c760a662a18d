// The albums' categories (typed, or a starter list), the templates behind a disclosure, and the
// "Unsorted" switch.
import { useId } from 'react';
import { CLEAR_LEAD } from '../engine/query/unsorted';
import { STARTER_LISTS } from '../state/album-lists';
import { useAlbumsStore } from '../state/albums-store';

/** Categories, starter lists, templates and the Unsorted rule. */
export function AlbumsEditor() {
  const categories = useAlbumsStore((s) => s.categories);
  const templates = useAlbumsStore((s) => s.templates);
  const unsorted = useAlbumsStore((s) => s.unsorted);
  const categoryError = useAlbumsStore((s) => s.categoryError);
  const templateProblems = useAlbumsStore((s) => s.templateProblems);
  const setCategories = useAlbumsStore((s) => s.setCategories);
  const setTemplates = useAlbumsStore((s) => s.setTemplates);
  const setUnsorted = useAlbumsStore((s) => s.setUnsorted);
  const pickStarter = useAlbumsStore((s) => s.pickStarter);
  const id = useId();

  return (
    <div className="albums-editor">
      <div className="albums-field">
        <label htmlFor={`${id}-categories`}>Categories</label>
        <textarea
          id={`${id}-categories`}
          rows={6}
          value={categories}
          placeholder={'beach\nmountains\ncity street'}
          aria-invalid={categoryError !== null}
          aria-describedby={`${id}-categories-hint${categoryError ? ` ${id}-categories-error` : ''}`}
          onChange={(e) => setCategories(e.currentTarget.value)}
        />
        <span id={`${id}-categories-hint`} className="hint">
          One per line. Every indexed photo goes to the category it matches best.
        </span>
        {categoryError && (
          <span id={`${id}-categories-error`} className="error-text" role="alert">
            {categoryError}
          </span>
        )}
      </div>
      <div className="albums-field">
        <label htmlFor={`${id}-starter`}>Starter list</label>
        <select
          id={`${id}-starter`}
          value=""
          onChange={(e) => {
            if (e.currentTarget.value) pickStarter(e.currentTarget.value);
          }}
        >
          <option value="">Choose a list…</option>
          {STARTER_LISTS.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name}
            </option>
          ))}
        </select>
      </div>
      <details className="albums-templates" open={templateProblems.length > 0 || undefined}>
        <summary>Sentence templates</summary>
        <label htmlFor={`${id}-templates`}>Templates</label>
        <textarea
          id={`${id}-templates`}
          rows={3}
          value={templates}
          aria-invalid={templateProblems.length > 0}
          aria-describedby={`${id}-templates-hint${templateProblems.length ? ` ${id}-templates-error` : ''}`}
          onChange={(e) => setTemplates(e.currentTarget.value)}
        />
        <span id={`${id}-templates-hint`} className="hint">
          One per line, each with {'{}'} where the category goes. A category&apos;s sentences are averaged.
        </span>
        {templateProblems.length > 0 && (
          <div id={`${id}-templates-error`} className="error-text" role="alert">
            <ul>
              {templateProblems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
      </details>
      <div className="albums-unsorted">
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={unsorted}
            onChange={(e) => setUnsorted(e.currentTarget.checked)}
            aria-describedby={`${id}-unsorted-hint`}
          />
          <span className="switch-track" aria-hidden="true" />
          Unsorted
        </label>
        <span id={`${id}-unsorted-hint`} className="hint">
          {unsorted
            ? `A photo whose best category leads the next by less than ${CLEAR_LEAD} of its own score spread goes to Unsorted.`
            : 'Every photo goes to its best category, however close the runner-up.'}
        </span>
      </div>
    </div>
  );
}
