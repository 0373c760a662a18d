// Test-only: hand-made PNG files (a header can claim any size).
import { crc32 } from 'node:zlib';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A tiny zlib stream: enough for a structurally complete file, not a decodable image of the claimed size. */
const IDAT = new Uint8Array([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01]);

/** One chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Signature, an 8-bit RGB IHDR claiming width x height, an optional tEXt comment (making files distinct), a tiny IDAT, IEND. */
export function pngClaiming(width: number, height: number, comment = ''): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const text = comment ? [pngChunk('tEXt', Buffer.from(`Comment\0${comment}`, 'latin1'))] : [];
  return Buffer.concat([Buffer.from(SIGNATURE), pngChunk('IHDR', ihdr), ...text, pngChunk('IDAT', IDAT), pngChunk('IEND', new Uint8Array())]);
}
