// ImageMagick's WebAssembly build (libjpeg-turbo, libheif with libde265), loaded once per thread
// when a first photo needs it: large JPEGs at a reduced DCT scale (scaled-jpeg.ts), HEIC (heif-decode.ts).
import { initializeImageMagick } from '@imagemagick/magick-wasm';

/** Where the module comes from: its URL or bytes (`@imagemagick/magick-wasm/magick.wasm`), asked for only to load it. */
export type MagickWasm = () => URL | Uint8Array | WebAssembly.Module | Promise<URL | Uint8Array | WebAssembly.Module>;

let ready: Promise<void> | null = null;

/** Loads the module once per thread; a failed load is tried again by the next call. */
export function initMagick(wasm: MagickWasm): Promise<void> {
  ready ??= Promise.resolve()
    .then(wasm)
    .then((source) => initializeImageMagick(source))
    .catch((e: unknown) => {
      ready = null;
      throw e;
    });
  return ready;
}

/** Whether the module has been asked to load in this thread. */
export function magickStarted(): boolean {
  return ready !== null;
}
