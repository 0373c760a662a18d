// The "On this device" list: models in browser storage (load, delete) and bundles served with the app.
import { formatBytes } from '../engine/format';
import { useModelStore } from '../state/model-store';

/** Models already in browser storage and bundles served by the app: one click to load. */
export function StoredModelList() {
  const stored = useModelStore((s) => s.stored);
  const hosted = useModelStore((s) => s.hosted);
  const activeKey = useModelStore((s) => s.active?.key ?? null);
  const busy = useModelStore((s) => s.task !== null);
  const loadStored = useModelStore((s) => s.loadStored);
  const loadHosted = useModelStore((s) => s.loadHosted);
  const removeStored = useModelStore((s) => s.removeStored);
  if (!stored.length && !hosted.length) return null;

  return (
    <div className="model-group">
      <h3>On this device</h3>
      <ul className="model-list">
        {stored.map((m) => (
          <li key={m.key} className="model-row">
            <div className="model-text">
              <span className="model-name">{m.name}</span>
              <span className="model-desc">
                {m.manifest.dtype} · {formatBytes(m.bytes)}
                {m.key === activeKey && ' · in use'}
              </span>
            </div>
            <div className="row-actions">
              <button type="button" disabled={busy || m.key === activeKey} onClick={() => void loadStored(m.key)}>
                Load<span className="visually-hidden"> {m.name}</span>
              </button>
              <button type="button" className="ghost danger" disabled={busy} onClick={() => void removeStored(m.key)}>
                Delete<span className="visually-hidden"> {m.name}</span>
              </button>
            </div>
          </li>
        ))}
        {hosted.map((name) => (
          <li key={`hosted:${name}`} className="model-row">
            <div className="model-text">
              <span className="model-name">{name}</span>
              <span className="model-desc">served with this app</span>
            </div>
            <button type="button" disabled={busy} onClick={() => void loadHosted(name)}>
              Load<span className="visually-hidden"> {name}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
