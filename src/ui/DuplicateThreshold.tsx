// The duplicates view's "Similarity at least": a slider and a number field for one threshold.
import { useEffect, useState } from 'react';
import { MAX_THRESHOLD, MIN_THRESHOLD, useDuplicatesStore } from '../state/duplicates-store';

/** "Similarity at least": a slider and a number field for the same threshold. */
export function DuplicateThreshold() {
  const threshold = useDuplicatesStore((s) => s.threshold);
  const setThreshold = useDuplicatesStore((s) => s.setThreshold);
  // What is typed in the number field ("0." on the way to "0.9") until it is a threshold.
  const [draft, setDraft] = useState(threshold.toFixed(2));
  useEffect(() => setDraft(threshold.toFixed(2)), [threshold]);

  function onType(text: string): void {
    setDraft(text);
    const value = Number(text);
    if (text.trim() !== '' && Number.isFinite(value) && value >= MIN_THRESHOLD && value <= MAX_THRESHOLD) setThreshold(value);
  }

  return (
    <div className="dup-threshold">
      <span id="dup-threshold-label">Similarity at least</span>
      <input
        type="range"
        aria-labelledby="dup-threshold-label"
        min={MIN_THRESHOLD}
        max={MAX_THRESHOLD}
        step={0.01}
        value={threshold}
        onChange={(e) => setThreshold(Number(e.target.value))}
      />
      <input
        type="number"
        className="dup-threshold-number"
        aria-labelledby="dup-threshold-label"
        min={MIN_THRESHOLD}
        max={MAX_THRESHOLD}
        step={0.01}
        value={draft}
        onChange={(e) => onType(e.target.value)}
        onBlur={() => setDraft(threshold.toFixed(2))}
      />
    </div>
  );
}
