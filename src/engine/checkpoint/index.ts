// The checkpoint reader's public surface.
export { openCheckpoint } from './open-checkpoint.ts';
export { openTorchZip } from './torch-zip.ts';
export { openSafetensors } from './safetensors.ts';
export { architectureFromStateDict } from './architecture.ts';
export { validateStateDict, expectedTensors } from './validate.ts';
export { CheckpointError, elementCount, type LazyTensor, type StateDict, type StorageDType } from './tensor.ts';
export type { Architecture } from './architecture-types.ts';
