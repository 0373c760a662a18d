// A video in the viewer: the player, started at the moment the query found, and the strip of the
// video's other good moments for the query, with arrows that step between them.
import { useEffect, useRef, useState } from 'react';
import { formatMoment } from '../engine/video/frame-key';
import { useSearchStore } from '../state/search-store';
import type { VideoMoment } from '../worker/protocol';
import { RelevanceMark } from './RelevanceMark';
import { Thumbnail } from './Thumbnail';

/** The video file playing from `at` (ms); a new `at` seeks there. (Keyed by its URL: another file is another player.) */
export function VideoPlayer({ url, at, name }: { url: string; at: number; name: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const seek = () => {
      video.currentTime = at / 1000;
      // Opened by a click: the browser lets it play; where it does not, the controls do.
      void video.play().catch(() => undefined);
    };
    if (video.readyState >= HTMLMediaElement.HAVE_METADATA) seek();
    else video.addEventListener('loadedmetadata', seek, { once: true });
    return () => video.removeEventListener('loadedmetadata', seek);
  }, [at]);
  return <video ref={ref} src={url} className="viewer-image viewer-video" controls playsInline aria-label={name} />;
}

/** The video's good moments for the query shown, asked of the worker while the viewer shows it. */
export function useVideoMoments(hash: string, enabled: boolean): VideoMoment[] {
  const ranked = useSearchStore((s) => s.ranked);
  const videoMoments = useSearchStore((s) => s.videoMoments);
  const [moments, setMoments] = useState<{ hash: string; list: VideoMoment[] } | null>(null);
  useEffect(() => {
    // Asked again whenever the ranking changes (another query, new frames indexed).
    if (!enabled || !ranked) return;
    let live = true;
    void videoMoments(hash).then((list) => {
      if (live) setMoments({ hash, list });
    });
    return () => {
      live = false;
    };
  }, [hash, enabled, ranked, videoMoments]);
  return enabled && moments?.hash === hash ? moments.list : [];
}

interface StripProps {
  moments: readonly VideoMoment[];
  /** The moment shown, ms. */
  at: number;
  onPick(ms: number): void;
}

/** The good moments on a strip, in time order; the arrows step to the one before or after the moment shown. */
export function MomentStrip({ moments, at, onPick }: StripProps) {
  if (moments.length < 1) return null;
  const before = moments.findLast((m) => m.ms < at);
  const after = moments.find((m) => m.ms > at);
  return (
    <div className="moments" role="group" aria-label="Moments">
      <button type="button" className="ghost moment-step" aria-label="Previous moment" aria-disabled={!before} onClick={() => before && onPick(before.ms)}>
        <span aria-hidden="true">‹</span>
      </button>
      <ol className="moment-list">
        {moments.map((m) => (
          <li key={m.frame}>
            <button type="button" className="moment" aria-pressed={m.ms === at} onClick={() => onPick(m.ms)}>
              <Thumbnail hash={m.frame} className="moment-thumb" />
              <span className="moment-time">{formatMoment(m.ms)}</span>
              <RelevanceMark relevance={m.relevance} />
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="ghost moment-step" aria-label="Next moment" aria-disabled={!after} onClick={() => after && onPick(after.ms)}>
        <span aria-hidden="true">›</span>
      </button>
    </div>
  );
}
