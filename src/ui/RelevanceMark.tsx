// A photo's relevance for the query in words and bars: the same scale in every query mode.
import { relevanceLevel } from '../engine/query/relevance';
import { relevanceWords } from './describe';

const BARS = { strong: 3, match: 2, weak: 1, none: 0 } as const;

export function RelevanceMark({ relevance }: { relevance: number }) {
  const level = relevanceLevel(relevance);
  return (
    <span className={`relevance ${level}`}>
      <span className="relevance-bars" aria-hidden="true">
        {[1, 2, 3].map((i) => (
          <span key={i} className={i <= BARS[level] ? 'on' : undefined} />
        ))}
      </span>
      {relevanceWords(relevance)}
    </span>
  );
}
