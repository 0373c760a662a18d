// The Download list: the official models, each with how much of a stopped download is kept.
import { formatBytes } from '../engine/format';
import { useModelStore } from '../state/model-store';

/** The official models, downloaded and converted on first use. */
export function BuiltinModelList() {
  const catalog = useModelStore((s) => s.catalog);
  const online = useModelStore((s) => s.online);
  const busy = useModelStore((s) => s.task !== null);
  const loadBuiltin = useModelStore((s) => s.loadBuiltin);
  const partial = useModelStore((s) => s.partial);
  if (!catalog.length) return null;

  return (
    <div className="model-group">
      <h3>Download</h3>
      <ul className="model-list">
        {catalog.map((entry) => {
          // A download that stopped part-way (connection lost, tab closed) continues from its kept bytes.
          const kept = busy ? undefined : partial.find((p) => p.url === entry.checkpointUrl);
          return (
            <li key={entry.id} className="model-row">
              <div className="model-text">
                <span className="model-name">{entry.name}</span>
                {entry.description && <span className="model-desc">{entry.description}</span>}
                {kept && (
                  <span className="model-desc">
                    Partly downloaded: {formatBytes(kept.done)}
                    {kept.total ? ` of ${formatBytes(kept.total)}` : ''} kept; Download continues from there.
                  </span>
                )}
              </div>
              <button type="button" disabled={busy || !online} onClick={() => void loadBuiltin(entry)}>
                Download<span className="visually-hidden"> {entry.name}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
