// npm run bench:video [-- --model <bundle dir>] [-- --runs n]: the CLI's video indexing speed per
// container on the demo clips (../shared/demo/video: clip_01.mp4 H.264, clip_02.webm VP9,
// clip_03.mov H.264), in sampled frames per second and video seconds per second: ffmpeg decoding
// and sampling alone, and the whole of `npm run index`'s per-video work (decode, sample, thumbnail,
// preprocess, encode). The model is the demo one (converted to fp16 first) unless --model names a bundle.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, single } from '../src/cli/args';
import { hasFfmpeg, openFfmpegVideo } from '../src/cli/ffmpeg-frames';
import { loadNodeEngine } from '../src/cli/node-engine';
import { convertWithCli } from '../src/cli/testing/run-cli';
import { embedVideoFile } from '../src/cli/video-embed';
import { demoDir } from '../src/engine/testing/shared';

const args = parseArgs(process.argv.slice(2), ['model', 'runs']);
const runs = Number(single(args, 'runs') ?? 3);
if (!(await hasFfmpeg())) throw new Error('ffmpeg and ffprobe must be on the PATH');
let bundle = single(args, 'model');
if (!bundle) {
  bundle = join(mkdtempSync(join(tmpdir(), 'longclip-video-bench-')), 'bundle');
  const c = await convertWithCli(join(demoDir, 'demo-longclip.pt'), bundle, 'fp16');
  if (c.code) throw new Error(c.stderr);
}
const engine = await loadNodeEngine(bundle);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = [];
for (const file of ['clip_01.mp4', 'clip_02.webm', 'clip_03.mov']) {
  const path = join(demoDir, 'video', file);
  const decode: number[] = [];
  const whole: number[] = [];
  let frames = 0;
  let duration = 0;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    const video = await openFfmpegVideo(path);
    frames = 0;
    for await (const _ of video.frames()) frames++;
    decode.push((performance.now() - t) / 1000);
    duration = video.info.duration;
    t = performance.now();
    await embedVideoFile(engine, path, { thumbnails: true }, () => undefined);
    whole.push((performance.now() - t) / 1000);
  }
  const d = median(decode);
  const w = median(whole);
  rows.push({
    file,
    codec: (await openFfmpegVideo(path)).info.codec,
    seconds: +duration.toFixed(2),
    frames,
    decode_frames_per_s: +(frames / d).toFixed(1),
    decode_video_s_per_s: +(duration / d).toFixed(1),
    index_frames_per_s: +(frames / w).toFixed(1),
    index_video_s_per_s: +(duration / w).toFixed(1),
  });
}
await engine.release();
console.table(rows);
process.stdout.write(`${JSON.stringify(rows)}\n`);
process.exit(0);
