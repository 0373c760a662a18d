// The viewer's sentence matches: which sentences of the query the photo matches, and on request
// its score for each.
import { useMemo, useState } from 'react';
import { matchedSentences } from '../engine/query/sentence-matches';
import { useSearchStore } from '../state/search-store';

/**
 * With sentence-aware scoring: which sentences of the query this photo matches ("Matches
 * sentences 1, 3, 4 of 5"), each sentence marked matched or not matched, and the photo's cosine
 * with each sentence behind "Show numbers".
 */
export function SentenceMatches({ hash }: { hash: string }) {
  const sentences = useSearchStore((s) => s.sentences);
  const ranked = useSearchStore((s) => s.ranked);
  const [numbers, setNumbers] = useState(false);
  const scores = useMemo(() => ranked.find((r) => r.hash === hash)?.sentenceScores ?? null, [ranked, hash]);
  if (!sentences || !scores) return null;
  const matched = matchedSentences(scores, sentences);
  const summary = matched.length
    ? `Matches ${matched.length === 1 ? 'sentence' : 'sentences'} ${matched.map((i) => i + 1).join(', ')} of ${sentences.length}`
    : `Matches none of the ${sentences.length} sentences`;

  return (
    <details className="sentence-matches">
      <summary aria-label="Sentence matches">{summary}</summary>
      <button type="button" className="ghost small" aria-pressed={numbers} onClick={() => setNumbers(!numbers)}>
        Show numbers
      </button>
      <ol>
        {sentences.map((s, i) => {
          const match = matched.includes(i);
          return (
            // oxlint-disable-next-line react/no-array-index-key -- a sentence's position in the query is its identity (texts may repeat); the list is replaced, never reordered
            <li key={i} className={match ? 'match' : undefined}>
              {numbers && <span className="sentence-score">{scores[i]!.toFixed(3)}</span>}
              <span className="sentence-tag">{match ? 'Matched' : 'Not matched'}</span>
              <span className="sentence-text">{s.text}</span>
            </li>
          );
        })}
      </ol>
    </details>
  );
}
