// Named category lists of the loaded model: save the one typed, pick or delete a saved one.
import { useId, useState } from 'react';
import { useAlbumsStore } from '../state/albums-store';

/** Save, pick and delete named category lists (kept per model). */
export function AlbumsSaved() {
  const saved = useAlbumsStore((s) => s.saved);
  const saveList = useAlbumsStore((s) => s.saveList);
  const pickList = useAlbumsStore((s) => s.pickList);
  const deleteList = useAlbumsStore((s) => s.deleteList);
  const [name, setName] = useState('');
  const [picked, setPicked] = useState('');
  const id = useId();
  const chosen = saved.some((l) => l.name === picked) ? picked : '';

  return (
    <div className="albums-saved" role="group" aria-label="Saved lists">
      <form
        className="albums-field"
        onSubmit={(e) => {
          e.preventDefault();
          if (saveList(name)) {
            setPicked(name.trim());
            setName('');
          }
        }}
      >
        <label htmlFor={`${id}-name`}>List name</label>
        <input id={`${id}-name`} type="text" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <button type="submit" disabled={!name.trim()}>
          Save list
        </button>
      </form>
      {saved.length > 0 && (
        <div className="albums-field">
          <label htmlFor={`${id}-saved`}>Saved list</label>
          <select
            id={`${id}-saved`}
            value={chosen}
            onChange={(e) => {
              setPicked(e.currentTarget.value);
              if (e.currentTarget.value) pickList(e.currentTarget.value);
            }}
          >
            <option value="">Choose a saved list…</option>
            {saved.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name}
              </option>
            ))}
          </select>
          <button type="button" className="ghost" disabled={!chosen} onClick={() => deleteList(chosen)}>
            Delete<span className="visually-hidden"> saved list</span>
          </button>
        </div>
      )}
    </div>
  );
}
