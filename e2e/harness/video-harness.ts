// The worker's video frame source (src/worker/video-frames.ts), exposed to Playwright as
// window.videoHarness. Test-only page, served by the dev server under /e2e/harness/.
import type { RgbaImage } from '../../src/engine/preprocess/rgba-image';
import { openBrowserVideo, type DecodeStats } from '../../src/worker/video-frames';

/** Side of the tiny copies compared with the gallery scenes. */
const SIDE = 32;

export interface SampleReport {
  ms: number;
  reason: string;
  width: number;
  height: number;
  /** The scene (of those offered) the frame is closest to, at each turn of the scene image (0, 90, 180, 270 clockwise). */
  closest: { scene: string; turn: number; distance: number };
  /** The frame's distance to its closest scene at the other turns: larger when the frame is upright. */
  runnerUp: number;
}

export interface VideoReport {
  info: unknown;
  samples: SampleReport[];
  error: string | null;
  errorName: string | null;
  stats: DecodeStats | null;
  wallSeconds: number;
}

async function fetchBlob(url: string): Promise<Blob> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.blob();
}

/** An image drawn to SIDE x SIDE, turned clockwise by `turn`, as RGB floats. */
function tiny(source: CanvasImageSource, turn: number): Float32Array {
  const canvas = new OffscreenCanvas(SIDE, SIDE);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.translate(SIDE / 2, SIDE / 2);
  ctx.rotate((turn * Math.PI) / 180);
  ctx.drawImage(source, -SIDE / 2, -SIDE / 2, SIDE, SIDE);
  const data = ctx.getImageData(0, 0, SIDE, SIDE).data;
  const out = new Float32Array(SIDE * SIDE * 3);
  for (let i = 0; i < SIDE * SIDE; i++) for (let k = 0; k < 3; k++) out[i * 3 + k] = data[i * 4 + k]! / 255;
  return out;
}

async function tinyOfImage(img: RgbaImage): Promise<Float32Array> {
  const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height));
  try {
    return tiny(bitmap, 0);
  } finally {
    bitmap.close();
  }
}

function distance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

const videoHarness = {
  /**
   * Runs the source over the video at `url`; each sampled frame is compared with the scene
   * images at `sceneUrls` (each at four turns), from `startMs` on. Errors come back as their message.
   */
  async run(url: string, sceneUrls: string[] = [], startMs = 0): Promise<VideoReport> {
    const scenes: { name: string; turns: Float32Array[] }[] = [];
    for (const sceneUrl of sceneUrls) {
      const bitmap = await createImageBitmap(await fetchBlob(sceneUrl));
      scenes.push({ name: sceneUrl.split('/').pop()!, turns: [0, 90, 180, 270].map((t) => tiny(bitmap, t)) });
      bitmap.close();
    }
    const report: VideoReport = { info: null, samples: [], error: null, errorName: null, stats: null, wallSeconds: 0 };
    const t0 = performance.now();
    try {
      const source = await openBrowserVideo(await fetchBlob(url), { startMs });
      report.info = source.info;
      report.stats = source.stats;
      try {
        for await (const frame of source.frames()) {
          let closest = { scene: '', turn: 0, distance: Infinity };
          let runnerUp = Infinity;
          if (scenes.length) {
            const mine = await tinyOfImage(frame.image);
            for (const scene of scenes) {
              scene.turns.forEach((t, k) => {
                const d = distance(mine, t);
                if (d < closest.distance) closest = { scene: scene.name, turn: k * 90, distance: d };
              });
            }
            const best = scenes.find((s) => s.name === closest.scene)!;
            runnerUp = Math.min(...best.turns.map((t, k) => (k * 90 === closest.turn ? Infinity : distance(mine, t))));
          }
          report.samples.push({ ms: frame.ms, reason: frame.reason, width: frame.image.width, height: frame.image.height, closest, runnerUp });
        }
      } finally {
        source.close();
      }
    } catch (e) {
      report.error = (e as Error).message;
      report.errorName = (e as Error).name;
    }
    report.wallSeconds = (performance.now() - t0) / 1000;
    return report;
  },

  /** Aborting part way: the source stops with the signal's reason. */
  async abortAfter(url: string, frames: number): Promise<{ got: number; error: string | null }> {
    const source = await openBrowserVideo(await fetchBlob(url));
    const controller = new AbortController();
    let got = 0;
    try {
      for await (const _frame of source.frames(controller.signal)) {
        if (++got === frames) controller.abort(new Error('stopped by the test'));
      }
      return { got, error: null };
    } catch (e) {
      return { got, error: (e as Error).message };
    } finally {
      source.close();
    }
  },
};

declare global {
  interface Window {
    videoHarness: typeof videoHarness;
  }
}
window.videoHarness = videoHarness;
document.body.dataset.ready = 'true';
