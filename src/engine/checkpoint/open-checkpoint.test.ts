import { describe, expect, it } from 'vitest';
import { BufferSource } from '../io/source';
import { openCheckpoint } from './open-checkpoint';
import { CheckpointError } from './tensor';

const open = (bytes: number[] | Uint8Array, name: string) => openCheckpoint(new BufferSource(Uint8Array.from(bytes), name));

describe('openCheckpoint', () => {
  it.each([
    ['empty.bin', []],
    ['photo.jpg', [0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]],
    ['notes.txt', [...new TextEncoder().encode('{"hello": "world"}')]],
    ['huge-header.safetensors', [0xff, 0xff, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d]],
  ])('rejects %s as neither format', async (name, bytes) => {
    const err = await open(bytes, name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toBe(`${name} is not a PyTorch checkpoint (zip) or a .safetensors file`);
  });

  it('explains legacy torch.save files', async () => {
    await expect(open([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8], 'old.pt')).rejects.toThrow(
      'old.pt is a legacy (pre-zip) torch.save file, which is not supported',
    );
  });
});
