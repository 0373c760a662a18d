// The toolbar over the grid: sort, folder, type, album and date filters, and the minimum score.
import { useId, useState } from 'react';
import { type DateBound, parseDateField } from '../state/date-field';
import { useAlbumsStore } from '../state/albums-store';
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

interface DateFieldProps {
  id: string;
  label: string;
  bound: DateBound;
  /** The applied bound, "YYYY-MM-DD", or null. */
  value: string | null;
  onChange: (day: string | null) => void;
  /** The visible hint on the formats, shared by both fields. */
  hintId: string;
}

/**
 * A date as text: one Tab stop (a date input has one per part). A whole day applies as it is
 * typed; a month or a year on Enter or leaving the field, so the grid does not jump while typing.
 * A value that is not a date says so and sets no bound.
 */
function DateField({ id, label, bound, value, onChange, hintId }: DateFieldProps) {
  // `applied`: the bound this text last set; any other bound came from outside (Clear filters).
  const [draft, setDraft] = useState<{ text: string; applied: string | null; error: string | null } | null>(null);
  if (draft !== null && draft.applied !== value) setDraft(null);

  function apply(day: string | null): void {
    if (day !== value) onChange(day);
  }

  function onText(text: string): void {
    const parsed = parseDateField(text, bound);
    let applied = value;
    if (parsed.ok && (parsed.exact || parsed.day === null)) {
      apply(parsed.day);
      applied = parsed.day;
    }
    // A shown error follows the text as it is fixed; a new one waits for Enter or leaving the field.
    const error = draft !== null && draft.error !== null && !parsed.ok ? parsed.message : null;
    setDraft({ text, applied, error });
  }

  function commit(): void {
    if (draft === null) return;
    const parsed = parseDateField(draft.text, bound);
    if (parsed.ok) {
      apply(parsed.day);
      setDraft(null); // shows the day applied: "2024" in To reads 2024-12-31
    } else {
      apply(null);
      setDraft({ text: draft.text, applied: null, error: parsed.message });
    }
  }

  const error = draft?.error ?? null;
  return (
    <span className="refine-field" title={DATE_HINT}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder="YYYY-MM-DD"
        size={11}
        value={draft?.text ?? value ?? ''}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? `${hintId} ${id}-error` : hintId}
        onChange={(e) => onText(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      {error !== null && (
        <span id={`${id}-error`} className="error-text" role="alert">
          {error} {label} is not applied.
        </span>
      )}
    </span>
  );
}

/** Sort, filters and the minimum score, over the grid. */
export function ResultsToolbar({ querying, hiddenAll }: Props) {
  const folders = useLibraryStore((s) => s.stats.folders);
  const types = useLibraryStore((s) => s.stats.types);
  const r = useRefineStore();
  const albums = useAlbumsStore((s) => s.groups);
  const filterByAlbum = useAlbumsStore((s) => s.filterBy);
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
      {albums.length > 0 && (
        <span className="refine-field">
          <label htmlFor={`${id}-album`}>Album</label>
          <select id={`${id}-album`} value={r.album?.name ?? ''} onChange={(e) => filterByAlbum(e.currentTarget.value || null)}>
            <option value="">All albums</option>
            {albums.map((g) => (
              <option key={g.name} value={g.name}>
                {g.name} ({g.photos.length})
              </option>
            ))}
          </select>
        </span>
      )}
      <DateField id={`${id}-from`} label="From" bound="from" value={r.from} onChange={r.setFrom} hintId={`${id}-dates`} />
      <DateField id={`${id}-to`} label="To" bound="to" value={r.to} onChange={r.setTo} hintId={`${id}-dates`} />
      <span id={`${id}-dates`} className="hint date-hint">
        Dates: YYYY-MM-DD, or YYYY-MM or YYYY for a whole month or year (From its first day, To its last).
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
