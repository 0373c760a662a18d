// A photo's stored thumbnail, or a placeholder while it loads.
import { useThumbnailUrl } from './useThumbnailUrl';

interface Props {
  hash: string;
  className?: string;
}

/** A photo's stored thumbnail, with a neutral placeholder while it loads. */
export function Thumbnail({ hash, className = 'thumb' }: Props) {
  const url = useThumbnailUrl(hash);
  if (!url) return <span className={`${className} placeholder`} aria-hidden="true" />;
  return <img className={className} src={url} alt="" decoding="async" draggable={false} />;
}
