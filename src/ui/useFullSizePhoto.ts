// The viewer's full-size photo of one path: its object URL when read, else why not.
import { useEffect } from 'react';
import { LOADING, type FullSize } from '../state/full-size';
import { useFullSizeStore } from '../state/full-size-store';
import { useObjectUrl } from './useObjectUrl';

/** The full-size photo at `path` while the component shows it: its URL once read, and the store's view of it. */
export function useFullSizePhoto(path: string): { url: string | null; view: FullSize; allow: () => Promise<void> } {
  const show = useFullSizeStore((s) => s.show);
  const hide = useFullSizeStore((s) => s.hide);
  const allow = useFullSizeStore((s) => s.allow);
  const view = useFullSizeStore((s) => (s.path === path ? s.view : LOADING));

  useEffect(() => {
    show(path);
    return hide;
  }, [path, show, hide]);

  const url = useObjectUrl(view.kind === 'ready' ? view.file : null);
  return { url, view, allow };
}
