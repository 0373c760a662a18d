import { describe, expect, it } from 'vitest';
import { BufferSource } from '../io/source';
import { openCheckpoint } from './open-checkpoint';
import { PickleBuilder, stateDictPickle, type PickledTensor } from './testing/pickle-builder';
import { CountingSource } from './testing/counting-source';
import { writeZip, type ZipWriterEntry } from './testing/zip-writer';

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const text = (s: string) => new TextEncoder().encode(s);

function checkpoint(pickle: Uint8Array, storages: Record<string, Uint8Array>, extra: ZipWriterEntry[] = [], folder = 'archive'): BufferSource {
  const entries: ZipWriterEntry[] = [{ name: `${folder}/data.pkl`, data: pickle }, ...extra];
  for (const [key, data] of Object.entries(storages)) entries.push({ name: `${folder}/data/${key}`, data });
  return new BufferSource(writeZip(entries), 'crafted.pt');
}

const six = f32(0, 1, 2, 3, 4, 5);
const base: PickledTensor = { name: 'w', key: '0', storageNumel: 6, shape: [2, 3] };

describe('torch.save zip reader', () => {
  it('reads shared storages, views and any folder name, ignoring the extra entries', async () => {
    const pickle = stateDictPickle([
      base,
      { name: 'wt', key: '0', storageNumel: 6, shape: [3, 2], stride: [1, 3] },
      { name: 'tail', key: '0', storageNumel: 6, shape: [2], offset: 4 },
      { name: 'h', key: '1', storageNumel: 2, shape: [2], storageType: 'HalfStorage' },
    ]);
    const extras = ['byteorder', '.format_version', '.storage_alignment', '.data/serialization_id', 'version'].map((n) => ({
      name: `my-model/${n}`,
      data: text(n === 'byteorder' ? 'little' : '1'),
    }));
    const sd = await openCheckpoint(checkpoint(pickle, { 0: six, 1: new Uint8Array([0x00, 0x3c, 0x00, 0xbc]) }, extras, 'my-model'));
    expect([...sd.tensors.keys()]).toEqual(['w', 'wt', 'tail', 'h']);
    expect([...(await sd.tensors.get('wt')!.read())]).toEqual([0, 3, 1, 4, 2, 5]);
    expect([...(await sd.tensors.get('tail')!.read())]).toEqual([4, 5]);
    expect([...(await sd.tensors.get('h')!.read())]).toEqual([1, -1]);
    expect(sd.tensors.get('h')!.dtype).toBe('float16');
  });

  it('refuses a pickle that names os.system', async () => {
    const evil = new PickleBuilder().global('os', 'system').mark().str('echo pwned').tuple().reduce().stop();
    await expect(openCheckpoint(checkpoint(evil, {}))).rejects.toThrow(
      'crafted.pt: archive/data.pkl: refusing global os.system (only state_dict globals are allowed)',
    );
  });

  it('refuses a tensor that passes the end of its storage, before reading anything of it', async () => {
    const source = new CountingSource(checkpoint(stateDictPickle([{ ...base, offset: 2 }]), { 0: six }));
    await expect(openCheckpoint(source)).rejects.toThrow(
      'crafted.pt: tensor w (shape [2,3], stride [3,1], offset 2) reaches element 7 of a storage of 6 elements',
    );
    const huge = checkpoint(stateDictPickle([{ ...base, shape: [100000, 100000], stride: [0, 0] }]), { 0: six });
    await expect(openCheckpoint(huge)).rejects.toThrow('tensor w has 10000000000 elements, more than its storage holds (6)');
  });

  it('refuses a storage larger than its zip entry (past the end of the file)', async () => {
    await expect(openCheckpoint(checkpoint(stateDictPickle([{ ...base, storageNumel: 1 << 30, shape: [2] }]), { 0: six }))).rejects.toThrow(
      'crafted.pt: zip entry archive/data/0 holds 24 bytes, but the pickle says 1073741824 float32 elements (4294967296 bytes)',
    );
  });

  it('names a missing storage entry and a compressed one', async () => {
    await expect(openCheckpoint(checkpoint(stateDictPickle([base]), {}))).rejects.toThrow(
      'crafted.pt: zip entry archive/data/0 (storage 0 of the pickle) is missing',
    );
    const compressed = new BufferSource(
      writeZip([
        { name: 'archive/data.pkl', data: stateDictPickle([base]) },
        { name: 'archive/data/0', data: six, method: 8 },
      ]),
      'crafted.pt',
    );
    await expect(openCheckpoint(compressed)).rejects.toThrow(
      'crafted.pt: zip entry archive/data/0 is compressed (method 8); torch.save stores entries uncompressed',
    );
  });

  it('guards data.pkl against zip bombs', async () => {
    const bomb = new CountingSource(new BufferSource(writeZip([{ name: 'archive/data.pkl', data: text('x'), claimedSize: 3 * 2 ** 32 }]), 'bomb.pt'));
    await expect(openCheckpoint(bomb)).rejects.toThrow('bomb.pt: zip entry archive/data.pkl: claims 12884901888 bytes');
    expect(Math.max(...bomb.reads.map((r) => r.length))).toBeLessThan(70_000);
  });

  it('honours byteorder', async () => {
    const big = [{ name: 'archive/byteorder', data: text('big') }];
    await expect(openCheckpoint(checkpoint(stateDictPickle([base]), { 0: six }, big))).rejects.toThrow(
      'crafted.pt: big-endian checkpoints are not supported (archive/byteorder says "big")',
    );
  });

  it('finds a state_dict nested under "state_dict", and refuses a pickle without tensors', async () => {
    const inner = stateDictPickle([base]);
    // {'epoch': 3, 'state_dict': <inner OrderedDict>}: splice the inner pickle body (no PROTO, no STOP).
    const p = new PickleBuilder()
      .op(0x7d)
      .mark()
      .str('epoch')
      .int(3)
      .str('state_dict')
      .op(...inner.subarray(2, -1))
      .op(0x75)
      .stop();
    const sd = await openCheckpoint(checkpoint(p, { 0: six }));
    expect([...sd.tensors.keys()]).toEqual(['w']);

    const none = new PickleBuilder().op(0x7d).mark().str('epoch').int(3).op(0x75).stop();
    await expect(openCheckpoint(checkpoint(none, {}))).rejects.toThrow(
      'crafted.pt: archive/data.pkl holds a dict without tensors (keys: epoch); expected a state_dict',
    );
    const list = new PickleBuilder().op(0x5d).stop();
    await expect(openCheckpoint(checkpoint(list, {}))).rejects.toThrow('crafted.pt: archive/data.pkl holds a list, not a state_dict');
  });

  it('refuses a zip without data.pkl', async () => {
    const zip = new BufferSource(writeZip([{ name: 'photos/cat.jpg', data: text('x') }]), 'photos.zip');
    await expect(openCheckpoint(zip)).rejects.toThrow('photos.zip: zip archive has no <name>/data.pkl; it is not a torch.save checkpoint');
  });
});
