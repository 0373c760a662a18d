// The messages between the engine worker's decode pool and its decode workers.
import type { ImageModel, PreparedPhoto, PrepareOptions } from '../../engine/embed/image-embedder';
import type { BlobThumbnail } from '../photo-decoder';

export interface PrepareRequest {
  id: number;
  bytes: Uint8Array;
  type: string;
  model: ImageModel;
  options: PrepareOptions;
}

export type PrepareReply = { id: number; photo: PreparedPhoto<BlobThumbnail> } | { id: number; error: string };
