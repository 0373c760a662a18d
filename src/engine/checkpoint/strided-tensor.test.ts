import { describe, expect, it } from 'vitest';
import { BufferSource } from '../io/source';
import { StridedTensor } from './strided-tensor';
import { CheckpointError } from './tensor';

const values = Float32Array.from({ length: 24 }, (_, i) => i);
const source = new BufferSource(new Uint8Array(values.buffer), 'test.pt');
const storage = { start: 0, numel: 24, dtype: 'float32' as const };

describe('StridedTensor', () => {
  it('reads a contiguous view at an offset', async () => {
    const t = new StridedTensor(source, 't', storage, [2, 3], [3, 1], 4);
    expect([...(await t.read())]).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('reads a transposed view', async () => {
    const t = new StridedTensor(source, 't', storage, [3, 2], [1, 3], 0); // [[0,1,2],[3,4,5]].T
    expect([...(await t.read())]).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('reads a 3-d permuted view and a scalar', async () => {
    const t = new StridedTensor(source, 't', storage, [2, 3, 4], [1, 8, 2], 0);
    const got = await t.read();
    const want: number[] = [];
    for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) want.push(a + 8 * b + 2 * c);
    expect([...got]).toEqual(want);
    expect([...(await new StridedTensor(source, 's', storage, [], [], 23).read())]).toEqual([23]);
  });

  it('returns a fresh copy each time', async () => {
    const t = new StridedTensor(source, 't', storage, [24], [1], 0);
    const a = await t.read();
    a[0] = 99;
    expect((await t.read())[0]).toBe(0);
    expect(values[0]).toBe(0);
  });

  it('refuses views that pass the end of the storage', () => {
    expect(() => new StridedTensor(source, 'w', storage, [5, 5], [5, 1], 0)).toThrow('test.pt: tensor w has 25 elements, more than its storage holds (24)');
    expect(() => new StridedTensor(source, 'w', storage, [2, 3], [3, 1], 19)).toThrow(
      'test.pt: tensor w (shape [2,3], stride [3,1], offset 19) reaches element 24 of a storage of 24 elements',
    );
    expect(() => new StridedTensor(source, 'w', storage, [2], [1, 1], 0)).toThrow(CheckpointError);
    expect(() => new StridedTensor(source, 'w', storage, [-1], [1], 0)).toThrow('invalid shape');
    expect(() => new StridedTensor(source, 'w', { ...storage, start: 8 }, [2], [1], 0)).toThrow('storage passes the end of the file');
  });
});
