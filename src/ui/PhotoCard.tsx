// One card of the photo grid: thumbnail, file name and score, as a button that opens the viewer.
import { memo } from 'react';
import { Thumbnail } from './Thumbnail';
import type { ShownItem } from './useShownItems';

interface Props {
  item: ShownItem;
  /** Position in the whole list (0-based). */
  index: number;
  count: number;
  onOpen: (index: number) => void;
}

/** One result: thumbnail, file name and score; a button that opens the viewer. */
export const PhotoCard = memo(function PhotoCard({ item, index, count, onOpen }: Props) {
  return (
    <div role="listitem" className="card" aria-posinset={index + 1} aria-setsize={count} data-index={index}>
      <button type="button" className="card-button" onClick={() => onOpen(index)} title={item.file.path}>
        <Thumbnail hash={item.file.hash} />
        <span className="card-caption">
          <span className="card-name">{item.file.name}</span>
          {item.score !== null && <span className="card-score">{item.score.toFixed(3)}</span>}
        </span>
      </button>
    </div>
  );
});
