// The duplicates view's groups, and all their files in the order shown, while the view is open.
import { useMemo } from 'react';
import { duplicateGroupViews, type DuplicateGroupView } from '../state/duplicate-groups';
import { useDuplicatesStore } from '../state/duplicates-store';
import { useLibraryStore } from '../state/library-store';
import type { ShownItem } from './useShownItems';

export interface DuplicateList {
  groups: DuplicateGroupView[];
  /** Every file of every group, in the order shown: what the viewer steps through. */
  items: ShownItem[];
}

/** The duplicates view's groups and files while it is open (null when closed). */
export function useDuplicateGroups(): DuplicateList | null {
  const open = useDuplicatesStore((s) => s.open);
  const result = useDuplicatesStore((s) => s.result);
  const files = useLibraryStore((s) => s.files);
  return useMemo(() => {
    if (!open) return null;
    const groups = result ? duplicateGroupViews(result.groups, files) : [];
    const items = groups.flatMap((g) => g.photos.flatMap((p) => p.files.map((file) => ({ file, score: null, relevance: null }))));
    return { groups, items };
  }, [open, result, files]);
}
