// The Model panel: the active model, the running task, stored models, precision, downloads and import.
import { useModelStore } from '../state/model-store';
import { ActiveModel } from './ActiveModel';
import { BuiltinModelList } from './BuiltinModelList';
import { ModelImport } from './ModelImport';
import { ModelTaskProgress } from './ModelTaskProgress';
import { PrecisionSelect } from './PrecisionSelect';
import { StoredModelList } from './StoredModelList';

/** Everything about the model: what runs, what is stored, what can be downloaded or imported. */
export function ModelPanel() {
  const ready = useModelStore((s) => s.ready);
  const online = useModelStore((s) => s.online);

  return (
    <section className="panel" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      {!ready && <p className="muted">Starting the model engine…</p>}
      <ActiveModel />
      <ModelTaskProgress />
      {!online && <p className="notice">You are offline, so models cannot be downloaded. Import a model from files below instead.</p>}
      <StoredModelList />
      <PrecisionSelect />
      <BuiltinModelList />
      <ModelImport />
    </section>
  );
}
