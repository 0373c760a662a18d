// The viewer's "Use as positive / negative example" buttons: the photo goes into the advanced query.
import { useSearchStore } from '../state/search-store';
import { useViewerStore } from '../state/viewer-store';

interface Props {
  /** The photo's file path, written into the advanced query. */
  path: string;
  disabled: boolean;
}

/** Viewer buttons that add the photo to the advanced query as a positive or negative example, then close the viewer. */
export function ExampleButtons({ path, disabled }: Props) {
  const addExample = useSearchStore((s) => s.addExample);
  const close = useViewerStore((s) => s.close);

  function use(positive: boolean): void {
    addExample(path, positive);
    close();
  }

  return (
    <>
      <button type="button" disabled={disabled} onClick={() => use(true)}>
        Use as positive example
      </button>
      <button type="button" disabled={disabled} onClick={() => use(false)}>
        Use as negative example
      </button>
    </>
  );
}
