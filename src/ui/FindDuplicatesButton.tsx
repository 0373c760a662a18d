// The "Find duplicates" button, which opens the duplicates view in place of the results.
import { useDuplicatesStore } from '../state/duplicates-store';

/** Opens the duplicates view in place of the results. */
export function FindDuplicatesButton() {
  const openView = useDuplicatesStore((s) => s.openView);
  return (
    <button type="button" className="ghost find-duplicates" onClick={openView}>
      Find duplicates
    </button>
  );
}
