// The toolbar over the grid: sort, folder, type and date filters, and the minimum score.
import { useId, useState } from 'react';
import { useLibraryStore } from '../state/library-store';
import { hasFilters, PHOTO_TYPE_NAMES, PHOTO_TYPES, type PhotoType, type SortKey } from '../state/refine';
import { useRefineStore } from '../state/refine-store';

interface Props {
  /** Results (ranked, with scores) rather than the library. */
  querying: boolean;
  /** Everything is hidden: the empty state below offers the way out instead. */
  hiddenAll: boolean;
}

const DATE_HINT = 'The date the photo was taken (EXIF), else the date of the file';

/** Sort, filters and the minimum score, over the grid. */
export function ResultsToolbar({ querying, hiddenAll }: Props) {
  const folders = useLibraryStore((s) => s.stats.folders);
  const types = useLibraryStore((s) => s.stats.types);
  const r = useRefineStore();
  const [draft, setDraft] = useState<string | null>(null);
  const id = useId();

  // A filter kept from before (a folder since removed) stays selectable, so the select shows the truth.
  const folderOptions = r.folder !== null && !folders.includes(r.folder) ? [r.folder, ...folders] : folders;
  const typeOptions = r.type !== null && !types.includes(r.type) ? PHOTO_TYPES.filter((t) => t === r.type || types.includes(t)) : types;

  function onMinScore(text: string): void {
    setDraft(text);
    const n = Number(text);
    if (text.trim() !== '' && Number.isFinite(n)) r.setMinScore(n);
  }

  return (
    <div className="refine" role="group" aria-label="Sort and filter">
      <span className="refine-field">
        <label htmlFor={`${id}-sort`}>Sort</label>
        <select id={`${id}-sort`} value={r.sort} onChange={(e) => r.setSort(e.currentTarget.value as SortKey)}>
          <option value="default">{querying ? 'Best match' : 'Folder order'}</option>
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
          <option value="name">Name</option>
        </select>
      </span>
      {folderOptions.length > 0 && (
        <span className="refine-field">
          <label htmlFor={`${id}-folder`}>Folder</label>
          <select id={`${id}-folder`} value={r.folder ?? ''} onChange={(e) => r.setFolder(e.currentTarget.value || null)}>
            <option value="">All folders</option>
            {folderOptions.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </span>
      )}
      <span className="refine-field">
        <label htmlFor={`${id}-type`}>Type</label>
        <select id={`${id}-type`} value={r.type ?? ''} onChange={(e) => r.setType((e.currentTarget.value || null) as PhotoType | null)}>
          <option value="">All types</option>
          {typeOptions.map((t) => (
            <option key={t} value={t}>
              {PHOTO_TYPE_NAMES[t]}
            </option>
          ))}
        </select>
      </span>
      <span className="refine-field" title={DATE_HINT}>
        <label htmlFor={`${id}-from`}>From</label>
        <input id={`${id}-from`} type="date" value={r.from ?? ''} max={r.to ?? undefined} onChange={(e) => r.setFrom(e.currentTarget.value)} />
      </span>
      <span className="refine-field" title={DATE_HINT}>
        <label htmlFor={`${id}-to`}>To</label>
        <input id={`${id}-to`} type="date" value={r.to ?? ''} min={r.from ?? undefined} onChange={(e) => r.setTo(e.currentTarget.value)} />
      </span>
      {querying && (
        <span className="refine-field">
          <label className="refine-check">
            <input type="checkbox" checked={r.minScoreOn} onChange={(e) => r.setMinScoreOn(e.currentTarget.checked)} />
            Minimum score
          </label>
          <input
            type="number"
            aria-label="Minimum score value"
            className="refine-score"
            step={0.01}
            min={-1}
            max={1}
            value={draft ?? String(r.minScore)}
            onChange={(e) => onMinScore(e.currentTarget.value)}
            onBlur={() => setDraft(null)}
          />
        </span>
      )}
      {hasFilters(r) && !hiddenAll && (
        <button type="button" className="ghost refine-clear" onClick={r.clearFilters}>
          Clear filters
        </button>
      )}
    </div>
  );
}
