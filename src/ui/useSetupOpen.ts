// Whether the set-up panel is open: the user's choice, else while set-up is needed.
import { useIndexingStore } from '../state/indexing-store';
import { setupNeeded, useLayoutStore } from '../state/layout-store';
import { useLibraryStore } from '../state/library-store';
import { useModelStore } from '../state/model-store';

export function useSetupOpen(): boolean {
  const choice = useLayoutStore((s) => s.setupChoice);
  const needed = setupNeeded({
    hasModel: useModelStore((s) => s.active !== null),
    modelBusy: useModelStore((s) => s.task !== null),
    fileCount: useLibraryStore((s) => s.files.length),
    queued: useIndexingStore((s) => s.queued),
  });
  return choice ?? needed;
}
