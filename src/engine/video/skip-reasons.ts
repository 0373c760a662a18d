// Why a video is not indexed (or not all of it), in words a person can act on: the app lists
// skipped files with these and the CLI prints them, like the photo reasons of
// engine/preprocess/skip-reasons.ts (whose REASON_EMPTY an empty video shares).
import { formatMoment } from './frame-key';

export { REASON_EMPTY } from '../preprocess/skip-reasons';

export const REASON_NOT_VIDEO = 'not a video (the content is not MP4, MOV, WebM or Matroska)';
export const REASON_NO_VIDEO_TRACK = 'has no video track';

/** A file that is a video container but cannot be read in full. */
export const videoDamaged = (detail: string): string => `the video is damaged: ${detail}`;

/** The container holds a video track but no frame of it can be read. */
export const REASON_NO_FRAMES = videoDamaged('no frame can be read');
/** The container's header is cut short or unreadable: no track can be listed. */
export const REASON_NO_TRACKS = videoDamaged('its header is cut short or unreadable');

/** Frames stop before the container's length: the file was cut short (what came before is kept). */
export const videoCutShort = (readMs: number, durationMs: number): string => videoDamaged(`it stops at ${formatMoment(readMs)} of ${formatMoment(durationMs)}`);

/** The decoder failed on a frame part way (the frames before it are kept). */
export const videoDecodeFailed = (atMs: number): string => videoDamaged(`a frame at ${formatMoment(atMs)} could not be decoded`);

/** The names people know codecs by; mediabunny's codec ids otherwise. */
const CODEC_NAMES: Record<string, string> = { avc: 'H.264', hevc: 'HEVC', vp8: 'VP8', vp9: 'VP9', av1: 'AV1' };

export const codecName = (codec: string): string => CODEC_NAMES[codec] ?? codec.toUpperCase();

/** "HEVC video can't be decoded by this browser"; `by` names another decoder (the CLI's ffmpeg). */
export const codecNotDecoded = (codec: string | null, by = 'this browser'): string =>
  codec ? `${codecName(codec)} video can't be decoded by ${by}` : `video in an unknown codec can't be decoded by ${by}`;
