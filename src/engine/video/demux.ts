// Opening a video: mediabunny reads the container from a Source a slice at a time (BlobSource
// in the browser, a file or buffer in Node), never the whole file at once. What is learnt here
// (length, upright size, codec, display-matrix rotation) is what the index keeps of a video
// before any frame is decoded; a file that cannot be indexed fails with its skip reason as
// the error's message. No DOM: whether the codec decodes is asked of an injected `canDecode`
// (mediabunny's track.canDecode() over WebCodecs in the browser; a stub in Node tests).
import { ALL_FORMATS, EncodedPacketSink, Input, UnsupportedInputFormatError, type InputVideoTrack, type Source } from 'mediabunny';
import type { VideoInfo } from './frame-source';
import {
  REASON_EMPTY,
  REASON_NOT_VIDEO,
  REASON_NO_FRAMES,
  REASON_NO_TRACKS,
  REASON_NO_VIDEO_TRACK,
  codecNotDecoded,
  videoCutShort,
  videoDamaged,
} from './skip-reasons';

/** A video that cannot be indexed (or not in full); the message is the reason a person reads. */
export class VideoSkipError extends Error {
  override readonly name = 'VideoSkipError';
}

/** Whether this runtime decodes the track's codec. */
export type CanDecode = (track: InputVideoTrack) => Promise<boolean>;

/** An opened video: its facts, and the demuxer a frame source decodes from. Close it when done. */
export interface OpenedVideo {
  info: VideoInfo;
  input: Input;
  track: InputVideoTrack;
  close(): void;
}

/** Frames that end sooner than this before the container's length mean a file cut short (seconds). */
export const CUT_SHORT_TOLERANCE_S = 0.5;

export async function openVideo(source: Source, canDecode: CanDecode): Promise<OpenedVideo> {
  const input = new Input({ source, formats: ALL_FORMATS });
  try {
    const info = await readInfo(input, source, canDecode);
    return { ...info, input, close: () => input.dispose() };
  } catch (e) {
    input.dispose();
    throw e;
  }
}

async function readInfo(input: Input, source: Source, canDecode: CanDecode): Promise<{ info: VideoInfo; track: InputVideoTrack }> {
  try {
    if ((await source.getSizeOrNull()) === 0) throw new VideoSkipError(REASON_EMPTY);
    await input.getFormat();
    const tracks = await input.getTracks();
    // A container whose header lists no track at all is a cut-short MP4 (its moov box ends early) or worse.
    if (tracks.length === 0) throw new VideoSkipError(REASON_NO_TRACKS);
    const track = await input.getPrimaryVideoTrack();
    if (!track) throw new VideoSkipError(REASON_NO_VIDEO_TRACK);
    const codec = await track.getCodec();
    if (!codec || !(await canDecode(track))) throw new VideoSkipError(codecNotDecoded(codec));
    if (!(await new EncodedPacketSink(track).getFirstPacket())) throw new VideoSkipError(REASON_NO_FRAMES);
    const [computed, claimed, rotation, width, height] = await Promise.all([
      track.computeDuration(),
      track.getDurationFromMetadata(),
      track.getRotation(),
      track.getDisplayWidth(),
      track.getDisplayHeight(),
    ]);
    // The header's length where it has one: a WebM cut short still says how long it was meant to be.
    const duration = Math.max(computed, claimed ?? 0);
    return { info: { duration, width, height, codec, rotation }, track };
  } catch (e) {
    if (e instanceof VideoSkipError) throw e;
    if (e instanceof UnsupportedInputFormatError) throw new VideoSkipError(REASON_NOT_VIDEO);
    throw new VideoSkipError(videoDamaged(messageOf(e)));
  }
}

/**
 * After the last frame: a video whose frames end well before its length was cut short. Throws
 * the reason (the frames read before stay valid); `endS` is the end of the last frame read.
 */
export function checkComplete(info: VideoInfo, endS: number): void {
  if (endS < info.duration - CUT_SHORT_TOLERANCE_S) throw new VideoSkipError(videoCutShort(Math.round(endS * 1000), Math.round(info.duration * 1000)));
}

function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\.$/, '') || 'unreadable';
}
