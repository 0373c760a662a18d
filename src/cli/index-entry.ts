// Entries of an index file carried into another (`--in`, `merge`): a photo's embedding or a
// video's frame embeddings, with their thumbnails spooled; and how a line counts them.
import type { IndexReader } from '../engine/index-file/reader';
import type { IndexThumbnail } from '../engine/index-file/types';
import type { FrameToWrite, PhotoToWrite } from '../engine/index-file/writer';
import type { PhotoMeta } from '../engine/records';
import type { Spooled, ThumbnailSpool } from './thumbnail-spool';

/**
 * Entry `i` of an index file as an entry to write, its thumbnails spooled. `vectors` are its rows
 * when the caller read them already (reader.rows[i] on); else they are read here.
 */
export async function copyEntry(reader: IndexReader, i: number, spool: ThumbnailSpool, vectors?: Float32Array[]): Promise<PhotoToWrite<Spooled>> {
  const p = reader.header.photos[i]!;
  const { hash, width, height, type, size } = p;
  const rows = vectors ?? (await reader.vectors(reader.rows[i]!, reader.rows[i + 1]! - reader.rows[i]!));
  const thumbnail = async (t: IndexThumbnail | null | undefined, bytes: () => Promise<Uint8Array | null>) => {
    const data = t ? await bytes() : null;
    return t && data ? { data: await spool.add(data), type: t.type, width: t.width, height: t.height } : null;
  };
  if (!p.video) return { hash, width, height, type, size, vector: rows[0]!, thumbnail: await thumbnail(p.thumbnail, () => reader.thumbnail(i)) };
  const frameRows: FrameToWrite<Spooled>[] = [];
  for (const [j, vector] of rows.entries()) frameRows.push({ vector, thumbnail: await thumbnail(p.frameThumbnails?.[j], () => reader.frameThumbnail(i, j)) });
  // Where the video's thumbnail is its first frame's bytes, it stays one copy.
  const first = p.frameThumbnails?.[0];
  const own =
    first && p.thumbnail && first.offset === p.thumbnail.offset && first.length === p.thumbnail.length
      ? frameRows[0]!.thumbnail
      : await thumbnail(p.thumbnail, () => reader.thumbnail(i));
  return { hash, width, height, type, size, video: { ...p.video, frames: [...p.video.frames] }, thumbnail: own, frameRows };
}

/** How an index's photos and videos are counted in a line: "6 photos", or "6 photos and 2 videos (71 frames)". */
export function describeItems(photos: readonly Pick<PhotoMeta, 'video'>[]): string {
  const videos = photos.filter((p) => p.video);
  const frames = videos.reduce((n, v) => n + (v.video?.frames.length ?? 0), 0);
  const stills = `${photos.length - videos.length} photos`;
  return videos.length ? `${stills} and ${videos.length} video${videos.length === 1 ? '' : 's'} (${frames} frames)` : stills;
}
