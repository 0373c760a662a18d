// The active model: name, architecture, weight type and context length; a note when there is none.
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
      <dl className="facts">
        <dt>Architecture</dt>
        <dd>{architectureName(m.architecture)}</dd>
        <dt>Weights</dt>
        <dd>{m.dtype}</dd>
        <dt>Context</dt>
        <dd>{m.contextLength} tokens</dd>
      </dl>
    </div>
  );
}
