// The running model task (download, conversion, load): its progress and a Cancel button.
import { useModelStore } from '../state/model-store';
import { PHASE_NAMES, taskDetail } from './describe';

/** The running model task (download, conversion, load) with a way to stop it. */
export function ModelTaskProgress() {
  const task = useModelStore((s) => s.task);
  const cancel = useModelStore((s) => s.cancelTask);
  if (!task) return null;

  const name = PHASE_NAMES[task.phase];
  const detail = taskDetail(task);
  return (
    <div className="task">
      <div className="task-head">
        <span className="task-label">{task.label || name}</span>
        <button type="button" className="ghost" onClick={cancel}>
          Cancel
        </button>
      </div>
      {task.total > 0 ? <progress aria-label={name} value={task.done} max={task.total} /> : <progress aria-label={name} />}
      {detail && <p className="task-detail">{detail}</p>}
    </div>
  );
}
