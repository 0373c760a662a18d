// The active model: its name, with the architecture, weight type and context length behind a
// disclosure; a note when there is none.
import { useModelStore } from '../state/model-store';
import { architectureName } from './describe';

/** The model that answers queries now. */
export function ActiveModel() {
  const active = useModelStore((s) => s.active);
  const ready = useModelStore((s) => s.ready);
  const busy = useModelStore((s) => s.task !== null);

  if (!active) {
    if (!ready || busy) return null;
    return <p className="notice">No model loaded yet. Download one below, or import a model from files.</p>;
  }
  const m = active.manifest;
  return (
    <div className="active-model" aria-label="Active model" role="group">
      <p className="active-name">
        <span className="dot" aria-hidden="true" /> {active.name}
      </p>
      {/* Architecture names and weight types are for those who ask: behind a disclosure. */}
      <details className="model-details">
        <summary>Technical details</summary>
        <dl className="facts">
          <dt>Architecture</dt>
          <dd>{architectureName(m.architecture)}</dd>
          <dt>Weights</dt>
          <dd>{m.dtype}</dd>
          <dt>Context</dt>
          <dd>{m.contextLength} tokens</dd>
        </dl>
      </details>
    </div>
  );
}
