// Test-only: short clips in the codecs the demo fixtures lack (VP8 WebM, AV1 WebM, AV1 MP4),
// made with ffmpeg at test time into a temp folder (never stored in the repo). Each is 3 s of
// 448 x 448 at 30 fps: gallery scene_000.png for 1.5 s, then a hard cut to scene_001.png.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { demoDir } from '../../testing/shared';

export interface MadeClip {
  file: string;
  /** The codec as mediabunny names it. */
  codec: 'vp8' | 'av1';
  /** The container as mediabunny names it. */
  container: 'WebM' | 'MP4';
  encoder: string;
  /** The encoder's options: fast settings, a few seconds at most each. */
  options: string[];
}

export const MADE_DURATION_S = 3;
export const MADE_CUT_S = 1.5;
export const MADE_SIZE = 448;
export const MADE_FPS = 30;
/** The scenes of every made clip, as in the demo clips' videos.json. */
export const MADE_SCENES = [
  { scene: 'scene_000.png', start: 0, end: MADE_CUT_S },
  { scene: 'scene_001.png', start: MADE_CUT_S, end: MADE_DURATION_S },
];

const aom = ['-usage', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-b:v', '1M'];
export const MADE_CLIPS: MadeClip[] = [
  { file: 'vp8.webm', codec: 'vp8', container: 'WebM', encoder: 'libvpx', options: ['-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1M'] },
  { file: 'av1.webm', codec: 'av1', container: 'WebM', encoder: 'libaom-av1', options: aom },
  { file: 'av1.mp4', codec: 'av1', container: 'MP4', encoder: 'libaom-av1', options: aom },
];

/** Why the clips cannot be made here (no ffmpeg, or an encoder missing from it), or null when they can. */
export function cannotMakeClips(): string | null {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return 'ffmpeg is not on the PATH: the VP8 and AV1 clips are made with it at test time';
  const missing = [...new Set(MADE_CLIPS.map((c) => c.encoder))].filter((e) => !new RegExp(`^\\s*V\\S*\\s+${e}\\s`, 'm').test(r.stdout));
  return missing.length ? `ffmpeg has no ${missing.join(' or ')} encoder: the VP8 and AV1 clips are made with it at test time` : null;
}

const run = promisify(execFile);

/** Writes one clip into `dir` and returns its path. */
export async function makeClip(dir: string, clip: MadeClip): Promise<string> {
  const out = join(dir, clip.file);
  const scene = (s: { scene: string; start: number; end: number }) => [
    '-loop',
    '1',
    '-framerate',
    String(MADE_FPS),
    '-t',
    String(s.end - s.start),
    '-i',
    join(demoDir, 'gallery', s.scene),
  ];
  // Untagged yuv420p, as the demo clips: ffmpeg's RGB to YUV is BT.601 limited range.
  const args = ['-v', 'error', '-y', ...MADE_SCENES.flatMap(scene), '-filter_complex', '[0:v][1:v]concat=n=2:v=1:a=0,format=yuv420p[v]'];
  args.push('-map', '[v]', '-an', '-c:v', clip.encoder, ...clip.options, out);
  await run('ffmpeg', args);
  return out;
}

/** Writes every clip of MADE_CLIPS into `dir`. */
export async function makeClips(dir: string): Promise<{ clip: MadeClip; path: string }[]> {
  const made = [];
  for (const clip of MADE_CLIPS) made.push({ clip, path: await makeClip(dir, clip) });
  return made;
}
