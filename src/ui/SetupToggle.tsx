// The header's button for the set-up panel, with what it holds in a few words.
import { plural } from '../engine/format';
import { useLayoutStore } from '../state/layout-store';
import { useLibraryStore } from '../state/library-store';
import { useModelStore } from '../state/model-store';

export function SetupToggle({ open }: { open: boolean }) {
  const toggle = useLayoutStore((s) => s.toggleSetup);
  const modelName = useModelStore((s) => s.active?.name ?? null);
  const fileCount = useLibraryStore((s) => s.files.length);
  return (
    <button type="button" className="ghost setup-toggle" aria-expanded={open} aria-controls="setup-panel" onClick={() => toggle(!open)}>
      Photos and model
      <span className="setup-summary">
        {modelName ?? 'no model'} · {plural(fileCount, 'photo')}
      </span>
    </button>
  );
}
