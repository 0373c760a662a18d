// The checkpoint reader's public surface.
export { openCheckpoint } from './open-checkpoint';
export { openTorchZip } from './torch-zip';
export { openSafetensors } from './safetensors';
export { architectureFromStateDict } from './architecture';
export { validateStateDict, expectedTensors } from './validate';
export { CheckpointError, elementCount, type LazyTensor, type StateDict, type StorageDType } from './tensor';
export type { Architecture } from './architecture-types';
