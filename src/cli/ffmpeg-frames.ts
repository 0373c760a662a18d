// The CLI's video frames: ffprobe reads what the container says (length, codec, size and the
// display matrix's rotation), then ffmpeg decodes the video track to raw RGBA on the candidate grid
// (`-vf fps=10:round=up`: frame n is the one on screen at n x 100 ms, CANDIDATE_INTERVAL_MS apart) and streams it
// through a pipe, a frame at a time (never the whole video in memory). Every candidate is judged
// by the engine's FrameSampler on its frameSignature, as in the browser; only the sampled ones are
// handed out. ffmpeg applies the display matrix itself (its autorotate, on by default): that is
// the one time the rotation is applied, so the frames come out upright and nothing here turns them.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { RgbaImage } from '../engine/preprocess/rgba-image';
import type { SampledFrame, VideoFrameSource, VideoInfo } from '../engine/video/frame-source';
import { CANDIDATE_INTERVAL_MS, FrameSampler, frameSignature } from '../engine/video/sampler';
import { codecNotDecoded, REASON_EMPTY, REASON_NO_VIDEO_TRACK, videoCutShort, videoDamaged } from '../engine/video/skip-reasons';

/** Candidate frames per second asked of ffmpeg's fps filter: the sampler's candidate grid. */
export const CANDIDATE_FPS = 1000 / CANDIDATE_INTERVAL_MS;
/** Frames that stop sooner than this before the container's length mean a file cut short (ms). */
const CUT_SHORT_TOLERANCE_MS = 1000;
/** Stderr kept from a child process (its last bytes): enough for the reason. */
const STDERR_KEPT = 8192;

/** Whether ffmpeg and ffprobe are on the PATH (`env` is the environment to look in). */
export async function hasFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const found = async (name: string) => {
    for (const dir of dirs)
      if (
        await access(join(dir, name), constants.X_OK).then(
          () => true,
          () => false,
        )
      )
        return true;
    return false;
  };
  return (await found('ffmpeg')) && (await found('ffprobe'));
}

/** A video that cannot be indexed (or not in full); the message is the reason a person reads. */
export class VideoReadError extends Error {
  override readonly name = 'VideoReadError';
}

interface ProbeStream {
  codec_name?: string;
  width?: number;
  height?: number;
  duration?: string;
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface Probe {
  streams?: ProbeStream[];
  format?: { duration?: string };
}

/** ffmpeg's codec names as the app's (mediabunny's) ids: h264 is "avc"; the others are the same. */
const CODEC_IDS: Record<string, string> = { h264: 'avc' };

/** Clockwise degrees of the display matrix: ffprobe gives its side data's counter-clockwise angle (older builds a `rotate` tag, clockwise). */
export function probeRotation(stream: ProbeStream): VideoInfo['rotation'] {
  const matrix = stream.side_data_list?.find((d) => d.side_data_type === 'Display Matrix' && typeof d.rotation === 'number');
  const clockwise = matrix ? -matrix.rotation! : Number(stream.tags?.rotate ?? 0);
  const r = (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
  return r as VideoInfo['rotation'];
}

/** What ffprobe says of the file's first video track, as VideoInfo (the upright size: turned by the rotation). */
export function infoFromProbe(probe: Probe): VideoInfo {
  const stream = probe.streams?.[0];
  if (!stream) throw new VideoReadError(REASON_NO_VIDEO_TRACK);
  const codec = stream.codec_name ? (CODEC_IDS[stream.codec_name] ?? stream.codec_name) : '';
  const { width, height } = stream;
  if (!width || !height) throw new VideoReadError(codecNotDecoded(codec || null, 'ffmpeg'));
  const duration = Number(stream.duration ?? probe.format?.duration ?? NaN);
  const rotation = probeRotation(stream);
  const turned = rotation === 90 || rotation === 270;
  return {
    duration: Number.isFinite(duration) && duration > 0 ? duration : 0,
    width: turned ? height : width,
    height: turned ? width : height,
    codec,
    rotation,
  };
}

/** A child process's outcome: its exit code and the end of its stderr. */
interface Child {
  exit: Promise<{ code: number | null; stderr: string }>;
  kill(): void;
}

function run(command: string, args: string[], onStdout?: (stdout: NodeJS.ReadableStream) => void): Child & { stdout: NodeJS.ReadableStream } {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-STDERR_KEPT);
  });
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stderr }));
  });
  // Awaited later; a failed spawn must not count as unhandled meanwhile.
  exit.catch(() => undefined);
  onStdout?.(proc.stdout);
  return {
    stdout: proc.stdout,
    exit,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
}

/** ffmpeg's last error line, without its "[demuxer @ 0x…]" or "file: " prefix. */
export function lastError(stderr: string, path: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/, '').trim())
    .filter(Boolean)
    .map((l) => (l.startsWith(`${path}: `) ? l.slice(path.length + 2) : l));
  return lines[0] ?? 'unreadable';
}

/** Opens a video with ffprobe; fails with a VideoReadError whose message is the skip reason. */
export async function openFfmpegVideo(path: string): Promise<FfmpegVideo> {
  if ((await stat(path)).size === 0) throw new VideoReadError(REASON_EMPTY);
  const child = run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0', path]);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (s: string) => (out += s));
  const { code, stderr } = await child.exit;
  if (code !== 0) throw new VideoReadError(`not a readable video (${lastError(stderr, path)})`);
  let probe: Probe;
  try {
    probe = JSON.parse(out) as Probe;
  } catch {
    throw new VideoReadError('not a readable video (ffprobe gave no description)');
  }
  return new FfmpegVideo(path, infoFromProbe(probe));
}

/**
 * One video's sampled frames from ffmpeg. When frames() has ended, `problem` says what ffmpeg
 * reported about a file it could read only in part (damaged, cut short): the frames before it were
 * handed out. A file ffmpeg cannot decode at all throws from frames() instead.
 */
export class FfmpegVideo implements VideoFrameSource {
  /** Set when frames() ended on a file read only in part: the reason, naming how far it got. */
  problem: string | null = null;
  private child: Child | null = null;

  constructor(
    readonly path: string,
    readonly info: VideoInfo,
  ) {}

  async *frames(signal?: AbortSignal): AsyncGenerator<SampledFrame> {
    const { width, height } = this.info;
    const frameBytes = width * height * 4;
    const args = [
      '-v',
      'error',
      '-nostdin',
      '-i',
      this.path,
      '-map',
      '0:v:0',
      '-vf',
      `fps=${CANDIDATE_FPS}:round=up`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-',
    ];
    const child = run('ffmpeg', args);
    this.child = child;
    const abort = () => child.kill();
    signal?.addEventListener('abort', abort);
    const sampler = new FrameSampler();
    let buffer = new Uint8Array(frameBytes);
    let filled = 0;
    let candidates = 0;
    let lastMs = -1;
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        for (let at = 0; at < chunk.length;) {
          const take = Math.min(frameBytes - filled, chunk.length - at);
          buffer.set(chunk.subarray(at, at + take), filled);
          filled += take;
          at += take;
          if (filled < frameBytes) break;
          filled = 0;
          const ms = candidates++ * CANDIDATE_INTERVAL_MS;
          lastMs = ms;
          if (!sampler.wants(ms)) continue;
          const image: RgbaImage = { width, height, data: buffer };
          const reason = sampler.offer(ms, frameSignature(image));
          if (!reason) continue;
          // The frame is the caller's now: the next one goes into a buffer of its own.
          buffer = new Uint8Array(frameBytes);
          yield { ms, image, reason };
        }
      }
      signal?.throwIfAborted();
      const { code, stderr } = await child.exit;
      const error = stderr.trim() ? lastError(stderr, this.path) : null;
      if (candidates === 0) throw new VideoReadError(code !== 0 && error ? `ffmpeg could not decode it (${error})` : videoDamaged('no frame can be read'));
      const durationMs = Math.round(this.info.duration * 1000);
      if (code !== 0 || lastMs + CANDIDATE_INTERVAL_MS < durationMs - CUT_SHORT_TOLERANCE_MS) {
        this.problem = `${videoCutShort(lastMs + CANDIDATE_INTERVAL_MS, durationMs)}${error ? ` (ffmpeg: ${error})` : ''}`;
      } else if (error) {
        this.problem = videoDamaged(`ffmpeg read it with errors (${error})`);
      }
    } finally {
      signal?.removeEventListener('abort', abort);
      child.kill();
      this.child = null;
    }
  }

  close(): void {
    this.child?.kill();
  }
}
