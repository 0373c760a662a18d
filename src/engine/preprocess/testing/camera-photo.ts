// A 12-megapixel "camera photo" made from a seed (tests and benchmarks): sky and ground, soft
// waves, fine texture, shapes with soft edges and sensor-like noise, so that a JPEG of it has
// the detail and the noise of a real one.

export const CAMERA_WIDTH = 4000;
export const CAMERA_HEIGHT = 3000;
const W = CAMERA_WIDTH;
const H = CAMERA_HEIGHT;

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/** A 4000 x 3000 RGB picture: sky and ground gradients, soft waves, shapes and sensor-like noise. */
export function cameraPhotoPixels(seed: number): Uint8Array {
  const r = rng(seed * 7919 + 17);
  const px = new Uint8Array(W * H * 3);
  const horizon = Math.floor(H * (0.35 + 0.3 * r()));
  const sky = [r() * 80 + 90, r() * 80 + 130, r() * 50 + 200];
  const ground = [r() * 100 + 40, r() * 100 + 60, r() * 60 + 20];
  const fx = 0.002 + r() * 0.01,
    fy = 0.002 + r() * 0.01,
    phase = r() * 6.28;
  const gx = 0.03 + r() * 0.05,
    gy = 0.03 + r() * 0.05;
  for (let y = 0; y < H; y++) {
    const base = y < horizon ? sky : ground;
    const t = y < horizon ? y / horizon : (y - horizon) / (H - horizon);
    const shade = y < horizon ? 1 - 0.35 * t : 0.7 + 0.3 * t;
    // Fine texture (grass, foliage, fabric) below the horizon, a little in the sky.
    const grain = y < horizon ? 4 : 20;
    for (let x = 0; x < W; x++) {
      const wave = 18 * Math.sin(x * fx + phase) * Math.cos(y * fy) + grain * Math.sin(x * gx + Math.sin(y * gy) * 3);
      const lum = (r() - 0.5) * 30; // sensor noise, shared by the channels
      const o = (y * W + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = base[c]! * shade + wave + lum + (r() - 0.5) * 10;
        px[o + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  const shapes = 8 + Math.floor(r() * 10);
  for (let k = 0; k < shapes; k++) {
    const cx = r() * W,
      cy = r() * H,
      rad = 80 + r() * 500;
    const col = [r() * 255, r() * 255, r() * 255];
    const circle = r() < 0.5;
    const x0 = Math.max(0, Math.floor(cx - rad)),
      x1 = Math.min(W, Math.ceil(cx + rad));
    const y0 = Math.max(0, Math.floor(cy - rad)),
      y1 = Math.min(H, Math.ceil(cy + rad));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const d = circle ? Math.hypot(x - cx, y - cy) / rad : Math.max(Math.abs(x - cx), Math.abs(y - cy)) / rad;
        if (d > 1) continue;
        const a = Math.min(1, (1 - d) * 8) * 0.85; // soft edge
        const lit = 0.75 + 0.25 * (1 - (y - y0) / (y1 - y0 || 1));
        const o = (y * W + x) * 3;
        for (let c = 0; c < 3; c++) px[o + c] = px[o + c]! * (1 - a) + col[c]! * lit * a;
      }
    }
  }
  return px;
}
