// Opens a checkpoint of either kind (a PyTorch zip or .safetensors), told apart by its first bytes.
import type { ByteSource } from '../io/source';
import { openSafetensors, safetensorsHeaderLength } from './safetensors';
import { CheckpointError, type StateDict } from './tensor';
import { openTorchZip } from './torch-zip';

/** Opens a PyTorch `.pt` (zip) or `.safetensors` checkpoint, telling them apart by their first bytes. */
export async function openCheckpoint(source: ByteSource): Promise<StateDict> {
  const first = await source.read(0, Math.min(16, source.size));
  if (first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04) return openTorchZip(source);
  if (safetensorsHeaderLength(first, source.size) !== undefined) return openSafetensors(source);
  if (first[0] === 0x80 && first[1] !== undefined && first[1] <= 5) {
    throw new CheckpointError(
      `${source.name} is a legacy (pre-zip) torch.save file, which is not supported; re-save it with a current PyTorch or convert it to .safetensors`,
    );
  }
  throw new CheckpointError(`${source.name} is not a PyTorch checkpoint (zip) or a .safetensors file`);
}
