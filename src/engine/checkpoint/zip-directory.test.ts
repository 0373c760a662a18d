import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../io/source';
import { CountingSource } from './testing/counting-source';
import { FIXTURES } from './testing/fixtures';
import { writeZip } from './testing/zip-writer';
import { ZipDirectory } from './zip-directory';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('ZipDirectory', () => {
  it.each([false, true])('lists entries and finds their data (forceZip64 %s)', async (forceZip64) => {
    const zip = writeZip(
      [
        { name: 'a/x', data: bytes('hello') },
        { name: 'a/y', data: bytes('') },
      ],
      { forceZip64 },
    );
    const dir = await ZipDirectory.read(new BufferSource(zip, 't.zip'));
    expect([...dir.entries.keys()]).toEqual(['a/x', 'a/y']);
    const x = dir.entries.get('a/x')!;
    const range = await dir.dataRange(x);
    expect(new TextDecoder().decode(zip.subarray(range.start, range.start + range.length))).toBe('hello');
  });

  it('reads only the end records and the directory of a real checkpoint', async () => {
    const file = readFileSync(FIXTURES.fp32);
    const source = new CountingSource(new BufferSource(file, 'tiny-longclip-fp32.pt'));
    const dir = await ZipDirectory.read(source);
    expect(dir.entries.size).toBe(65);
    expect(source.bytesRead).toBeLessThan(80_000);
  });

  it('rejects a truncated checkpoint, wherever it is cut', async () => {
    const file = new Uint8Array(readFileSync(FIXTURES.fp32));
    for (const length of [0, 3, 21, 1000, 6_000_000, file.length >> 1, file.length - 200, file.length - 23, file.length - 1]) {
      const source = new BufferSource(file.subarray(0, length), 'cut.pt');
      await expect(ZipDirectory.read(source), `cut at ${length}`).rejects.toThrow(
        /^cut\.pt: not a complete zip archive \((too short|end of central directory record not found); is the file truncated\?\)$/,
      );
    }
  });

  it('rejects a file whose middle is missing but whose end records survive', async () => {
    const file = new Uint8Array(readFileSync(FIXTURES.fp32));
    const damaged = new Uint8Array(2_000_000 + 98);
    damaged.set(file.subarray(0, 2_000_000));
    damaged.set(file.subarray(file.length - 98), 2_000_000); // ZIP64 record + locator + end record
    await expect(ZipDirectory.read(new BufferSource(damaged, 'holed.pt'))).rejects.toThrow(
      'holed.pt: ZIP64 end of central directory record lies outside the file',
    );
  });

  it('rejects entries that claim more bytes than the file holds (zip bomb)', async () => {
    const zip = writeZip([{ name: 'a/data/0', data: bytes('tiny'), claimedSize: 2 ** 40 }]);
    const source = new CountingSource(new BufferSource(zip, 'bomb.pt'));
    await expect(ZipDirectory.read(source)).rejects.toThrow(
      'bomb.pt: zip entry a/data/0: claims 1099511627776 bytes at offset 0, past the end of the file data',
    );
    expect(Math.max(...source.reads.map((r) => r.length))).toBeLessThan(70_000);

    const inflated = writeZip([{ name: 'a/data/0', data: bytes('tiny'), claimedSize: 2 ** 30, claimedCompressedSize: 4 }]);
    await expect(ZipDirectory.read(new BufferSource(inflated, 'bomb2.pt'))).rejects.toThrow(
      'bomb2.pt: zip entry a/data/0: is stored but claims 1073741824 bytes from 4 (zip bomb?)',
    );
  });

  it('rejects more entries than the directory can hold', async () => {
    const zip = writeZip([{ name: 'a/x', data: bytes('x') }]);
    const v = new DataView(zip.buffer);
    const zip64At = zip.length - 22 - 20 - 56;
    v.setBigUint64(zip64At + 32, 1_000_000n, true);
    await expect(ZipDirectory.read(new BufferSource(zip, 'many.pt'))).rejects.toThrow(
      /^many\.pt: zip claims 1000000 entries, more than its \d+-byte central directory can hold$/,
    );
  });

  it('rejects a damaged local header and encrypted entries', async () => {
    const zip = writeZip([{ name: 'a/x', data: bytes('x') }]);
    zip[0] = 0; // local header signature
    const dir = await ZipDirectory.read(new BufferSource(zip, 'l.pt'));
    await expect(dir.dataRange(dir.entries.get('a/x')!)).rejects.toThrow('l.pt: zip entry a/x: no local header at offset 0');

    const enc = writeZip([{ name: 'a/x', data: bytes('x') }]);
    const cd = enc.length - 22 - 20 - 56 - (46 + 3);
    enc[cd + 8] = 0x09; // flags: encrypted
    await expect(ZipDirectory.read(new BufferSource(enc, 'e.pt'))).rejects.toThrow('e.pt: zip entry a/x: is encrypted');
  });
});
