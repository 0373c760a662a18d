import { describe, expect, it } from 'vitest';
import { BufferSource } from '../io/source';
import { openCheckpoint } from './open-checkpoint';
import { writeSafetensors } from './testing/safetensors-writer';

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const open = (bytes: Uint8Array) => openCheckpoint(new BufferSource(bytes, 'm.safetensors'));

describe('safetensors reader', () => {
  it('reads F32, F16 and BF16 tensors', async () => {
    const sd = await open(
      writeSafetensors([
        { name: 'a', dtype: 'F32', shape: [2, 2], data: f32(1, 2, 3, 4) },
        { name: 'h', dtype: 'F16', shape: [2], data: new Uint8Array([0x00, 0x3c, 0x00, 0x7c]) },
        { name: 'b', dtype: 'BF16', shape: [], data: new Uint8Array([0x80, 0x3f]) },
      ]),
    );
    expect(sd.format).toBe('safetensors');
    expect([...(await sd.tensors.get('a')!.read())]).toEqual([1, 2, 3, 4]);
    expect([...(await sd.tensors.get('h')!.read())]).toEqual([1, Infinity]);
    expect([...(await sd.tensors.get('b')!.read())]).toEqual([1]);
    expect(sd.tensors.get('b')!.shape).toEqual([]);
  });

  it('names unsupported dtypes', async () => {
    await expect(open(writeSafetensors([{ name: 'ids', dtype: 'I64', shape: [1], data: new Uint8Array(8) }]))).rejects.toThrow(
      'm.safetensors: tensor ids: dtype I64 is not supported (only F32, F16 and BF16)',
    );
  });

  it('validates data_offsets against the file and the shape', async () => {
    const past = writeSafetensors([{ name: 'a', dtype: 'F32', shape: [1], data: f32(1) }], {
      a: { dtype: 'F32', shape: [1 << 20], data_offsets: [0, 4 << 20] },
    });
    await expect(open(past)).rejects.toThrow('m.safetensors: tensor a: data_offsets [0, 4194304] pass the end of the file (4 data bytes)');
    const mismatch = writeSafetensors([{ name: 'a', dtype: 'F32', shape: [2], data: f32(1, 2) }], {
      a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] },
    });
    await expect(open(mismatch)).rejects.toThrow('m.safetensors: tensor a: shape [3] of F32 needs 12 bytes, but data_offsets span 8');
    const negative = writeSafetensors([], { a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } });
    await expect(open(negative)).rejects.toThrow('m.safetensors: tensor a: invalid data_offsets [-4,0]');
  });

  it('rejects a broken header', async () => {
    const bytes = writeSafetensors([{ name: 'a', dtype: 'F32', shape: [1], data: f32(1) }]);
    bytes[12] = 0x00;
    await expect(open(bytes)).rejects.toThrow('m.safetensors: safetensors header is not valid JSON');
  });
});
