// The engine's browser paths, exposed to Playwright as window.harness. Test-only page: it is
// served by the dev server under /e2e/harness/ and is not part of the production build.
import * as ort from 'onnxruntime-web/webgpu';
import { convertCheckpoint } from '../../src/engine/bundle/convert';
import { blobBundleFiles } from '../../src/engine/bundle/files';
import { BlobBundleOutput } from '../../src/engine/bundle/output';
import type { WeightDType } from '../../src/engine/graph/weights';
import { BlobSource } from '../../src/engine/io/source';
import { ImageEmbedder } from '../../src/engine/embed/image-embedder';
import { ClipEngine } from '../../src/engine/session/clip-engine';
import type { Provider } from '../../src/engine/session/ort';
import { browserPhotoDecoder, readPixels, type BlobThumbnail } from '../../src/worker/photo-decoder';

let bundle: BlobBundleOutput | null = null;
let engine: ClipEngine | null = null;

function fileOf(id: string): File {
  const file = (document.getElementById(id) as HTMLInputElement).files?.[0];
  if (!file) throw new Error(`no file in #${id}`);
  return file;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

const harness = {
  async gpuInfo() {
    const adapter = await navigator.gpu?.requestAdapter();
    return { hasGpu: !!adapter, shaderF16: adapter?.features.has('shader-f16') ?? false };
  },

  /** Converts the checkpoint chosen in #checkpoint with the merges in #vocab, from File objects. */
  async convert(dtype: WeightDType) {
    const out = new BlobBundleOutput();
    const t0 = performance.now();
    const manifest = await convertCheckpoint(new BlobSource(fileOf('checkpoint')), new Uint8Array(await fileOf('vocab').arrayBuffer()), out, { dtype });
    bundle = out;
    return { manifest, seconds: (performance.now() - t0) / 1000 };
  },

  async convertError() {
    try {
      await harness.convert('float32');
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  },

  async load(provider: Provider) {
    if (!bundle) throw new Error('convert first');
    await engine?.release();
    const { shaderF16 } = await harness.gpuInfo();
    engine = await ClipEngine.load(ort, blobBundleFiles(bundle.files), { provider, shaderF16 });
    return { provider: engine.provider, compute: engine.compute };
  },

  async embedTexts(texts: string[], contextLength?: number) {
    const results = await need().encodeTexts(texts, contextLength);
    return results.map((r) => ({ ids: Array.from(r.ids), untruncated: r.untruncatedLength, embedding: Array.from(r.embedding) }));
  },

  /** Embeds images from already preprocessed pixel files (.f32, [3, R, R]). */
  async embedPixelFiles(urls: string[]) {
    const e = need();
    const size = 3 * e.resolution * e.resolution;
    const pixels = new Float32Array(urls.length * size);
    for (let i = 0; i < urls.length; i++) pixels.set(new Float32Array((await fetchBytes(urls[i]!)).buffer), i * size);
    return (await e.encodeImages(pixels, urls.length)).map((v) => Array.from(v));
  },

  /** The app's photo pipeline (the image embedder with the browser decoder); returns the pixels and the raw embeddings. */
  async embedImageFiles(urls: string[], batch = 4) {
    const e = need();
    const embedder = new ImageEmbedder<BlobThumbnail, number>(e.manifest, (pixels, n) => e.encodeImages(pixels, n), browserPhotoDecoder, {
      batchSize: batch,
      thumbnails: false,
    });
    const out: { pixels: number[]; embedding: number[] }[] = [];
    const pixels: number[][] = [];
    for (const [i, url] of urls.entries()) {
      pixels.push(Array.from(await embedder.addPhoto(await fetchBytes(url), '', i)));
      if (embedder.full || i === urls.length - 1)
        for (const p of await embedder.embed()) out.push({ pixels: pixels[p.payload]!, embedding: Array.from(p.embedding) });
    }
    return out;
  },

  compareReadback,
};

/** Both ways of reading a decoded bitmap's pixels, on each file: sizes, differing bytes, times. */
async function compareReadback(urls: string[]) {
  const out = [];
  for (const url of urls) {
    const bitmap = await createImageBitmap(new Blob([(await fetchBytes(url)) as Uint8Array<ArrayBuffer>]), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
    const t0 = performance.now();
    const frame = await readPixels(bitmap, 'video-frame');
    const t1 = performance.now();
    const canvas = await readPixels(bitmap, 'canvas');
    const t2 = performance.now();
    bitmap.close();
    let differing = 0;
    let maxDiff = 0;
    for (let i = 0; i < canvas.data.length; i++) {
      const d = Math.abs(frame.data[i]! - canvas.data[i]!);
      if (d) differing++;
      maxDiff = Math.max(maxDiff, d);
    }
    let translucent = 0;
    for (let i = 3; i < canvas.data.length; i += 4) if (canvas.data[i]! < 255) translucent++;
    out.push({
      url,
      size: [canvas.width, canvas.height],
      lengths: [frame.data.length, canvas.data.length],
      differing,
      maxDiff,
      translucent,
      ms: { videoFrame: t1 - t0, canvas: t2 - t1 },
    });
  }
  return out;
}

function need(): ClipEngine {
  if (!engine) throw new Error('load first');
  return engine;
}

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
document.body.dataset.ready = 'true';
