// One card of the photo grid: thumbnail, file name, relevance and score, as a button that opens the viewer.
import { memo } from 'react';
import { RelevanceMark } from './RelevanceMark';
import { Thumbnail } from './Thumbnail';
import { isVideoFile } from '../library/classify';
import { formatMoment } from '../engine/video/frame-key';
import type { ShownItem } from './useShownItems';

interface Props {
  item: ShownItem;
  /** Position in the whole list (0-based). */
  index: number;
  count: number;
  /** The grid's one Tab stop (a roving tabindex). */
  active: boolean;
  onOpen: (index: number) => void;
  onFocusIndex: (index: number) => void;
}

/** One result: thumbnail, file name and score; a button that opens the viewer. */
export const PhotoCard = memo(function PhotoCard({ item, index, count, active, onOpen, onFocusIndex }: Props) {
  return (
    <div role="listitem" className="card" aria-posinset={index + 1} aria-setsize={count} data-index={index}>
      <button
        type="button"
        className="card-button"
        tabIndex={active ? 0 : -1}
        onClick={() => onOpen(index)}
        onFocus={() => onFocusIndex(index)}
        title={item.file.path}
      >
        <span className="card-thumb">
          <Thumbnail hash={item.moment?.frame ?? item.file.hash} />
          {isVideoFile(item.file.name, item.file.type) && <VideoBadge moment={item.moment?.ms ?? null} />}
        </span>
        <span className="card-caption">
          <span className="card-name">{item.file.name}</span>
          {item.score !== null && (
            <span className="card-score">
              {item.relevance !== null && <RelevanceMark relevance={item.relevance} />}
              <span className="card-cosine">{item.score.toFixed(3)}</span>
            </span>
          )}
        </span>
      </button>
    </div>
  );
});

/** A video's mark on its card: "Video", and its best moment for the query ("Video at 0:12"). */
function VideoBadge({ moment }: { moment: number | null }) {
  return (
    <span className="card-video">
      <span aria-hidden="true">▶</span>
      <span className="visually-hidden">Video{moment !== null ? ' at' : ''}</span>
      {moment !== null && (
        <time className="card-moment" dateTime={`PT${moment / 1000}S`}>
          {formatMoment(moment)}
        </time>
      )}
    </span>
  );
}
