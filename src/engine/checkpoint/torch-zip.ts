// The PyTorch checkpoint reader: a torch.save zip's data.pkl unpickled into a state_dict whose
// tensors are read on demand from the zip's stored entries.
import type { ByteSource } from '../io/source';
import { ELEMENT_SIZE } from './dtype';
import { unpickle } from './pickle';
import { describe, PyDict, type PyValue } from './pickle-values';
import { StridedTensor, type StorageRange } from './strided-tensor';
import { CheckpointError, type LazyTensor, type StateDict } from './tensor';
import { findStateDictGlobal, parseStoragePid, StorageRef, TensorRef } from './torch-globals';
import { ZipDirectory, type ZipEntry } from './zip-directory';

/** data.pkl of a real checkpoint is tens of kilobytes; anything this large is not a state_dict. */
export const MAX_PICKLE_BYTES = 64 * 1024 * 1024;

/** Opens a `torch.save` zip archive holding a state_dict. Reads only the directory, data.pkl and local headers. */
export async function openTorchZip(source: ByteSource): Promise<StateDict> {
  const zip = await ZipDirectory.read(source);
  const prefix = archivePrefix(zip, source.name);
  await checkByteOrder(zip, prefix);

  const pklName = `${prefix}/data.pkl`;
  const where = `${source.name}: ${pklName}`;
  const pklEntry = storedEntry(zip, pklName);
  if (pklEntry.uncompressedSize > MAX_PICKLE_BYTES) {
    throw new CheckpointError(`${where} is ${pklEntry.uncompressedSize} bytes, more than a state_dict pickle can be (${MAX_PICKLE_BYTES})`);
  }
  const pklRange = await zip.dataRange(pklEntry);
  const pickle = await source.read(pklRange.start, pklRange.length);

  const storages = new Map<string, { ref: StorageRef; entry: ZipEntry }>();
  const root = unpickle(
    pickle,
    {
      findClass(module, name) {
        try {
          return findStateDictGlobal(module, name);
        } catch (e) {
          throw new CheckpointError(`${where}: ${(e as Error).message}`);
        }
      },
      persistentLoad(pid) {
        const { key, type, numel } = parseStoragePid(pid);
        const known = storages.get(key);
        if (known) {
          if (known.ref.dtype !== type.dtype || known.ref.numel !== numel) {
            throw new CheckpointError(`${where}: storage ${key} is named with two different types or sizes`);
          }
          return known.ref;
        }
        const entryName = `${prefix}/data/${key}`;
        const entry = storedEntry(zip, entryName, `storage ${key} of the pickle`);
        const bytes = numel * ELEMENT_SIZE[type.dtype];
        if (!Number.isSafeInteger(bytes) || bytes > entry.uncompressedSize) {
          throw new CheckpointError(
            `${source.name}: zip entry ${entryName} holds ${entry.uncompressedSize} bytes, but the pickle says ${numel} ${type.dtype} elements (${bytes} bytes)`,
          );
        }
        const ref = new StorageRef(key, type.dtype, numel);
        storages.set(key, { ref, entry });
        return ref;
      },
    },
    where,
  );

  const dict = findStateDict(root, where);
  const ranges = new Map<StorageRef, StorageRange>();
  await Promise.all(
    [...storages.values()].map(async ({ ref, entry }) => {
      const { start } = await zip.dataRange(entry);
      ranges.set(ref, { start, numel: ref.numel, dtype: ref.dtype });
    }),
  );
  const tensors = new Map<string, LazyTensor>();
  for (const [key, value] of dict.map) {
    if (!(value instanceof TensorRef)) continue;
    if (typeof key !== 'string') throw new CheckpointError(`${where}: state_dict key ${String(key)} is not a string`);
    const range = ranges.get(value.storage)!;
    tensors.set(key, new StridedTensor(source, key, range, value.shape, value.strides, value.offset));
  }
  return { tensors, format: 'torch-zip', fileName: source.name };
}

/** The folder every entry lives in (`archive`, or the checkpoint's own name). */
function archivePrefix(zip: ZipDirectory, file: string): string {
  const candidates = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (candidates.length === 0) {
    throw new CheckpointError(`${file}: zip archive has no <name>/data.pkl; it is not a torch.save checkpoint`);
  }
  if (candidates.length > 1) throw new CheckpointError(`${file}: zip archive has several data.pkl entries (${candidates.join(', ')})`);
  return candidates[0]!.slice(0, -'/data.pkl'.length);
}

async function checkByteOrder(zip: ZipDirectory, prefix: string): Promise<void> {
  const name = `${prefix}/byteorder`;
  if (!zip.entries.has(name)) return; // older torch: always little-endian
  const entry = storedEntry(zip, name);
  if (entry.uncompressedSize > 16) throw new CheckpointError(`${zip.source.name}: zip entry ${name} is implausibly large`);
  const range = await zip.dataRange(entry);
  const order = new TextDecoder().decode(await zip.source.read(range.start, range.length)).trim();
  if (order === 'little') return;
  if (order === 'big') throw new CheckpointError(`${zip.source.name}: big-endian checkpoints are not supported (${name} says "big")`);
  throw new CheckpointError(`${zip.source.name}: zip entry ${name} holds an unknown byte order ${JSON.stringify(order)}`);
}

function storedEntry(zip: ZipDirectory, name: string, role?: string): ZipEntry {
  const entry = zip.entries.get(name);
  const file = zip.source.name;
  if (!entry) throw new CheckpointError(`${file}: zip entry ${name}${role ? ` (${role})` : ''} is missing`);
  if (entry.method !== 0) {
    throw new CheckpointError(`${file}: zip entry ${name} is compressed (method ${entry.method}); torch.save stores entries uncompressed`);
  }
  return entry;
}

/** The tensor dict: the pickle's top-level dict, or one nested under `state_dict` / `model`. */
function findStateDict(root: PyValue, where: string): PyDict {
  if (!(root instanceof PyDict)) throw new CheckpointError(`${where} holds a ${describe(root)}, not a state_dict`);
  const hasTensors = (d: PyDict) => [...d.map.values()].some((v) => v instanceof TensorRef);
  if (hasTensors(root)) return root;
  for (const key of ['state_dict', 'model']) {
    const inner = root.map.get(key);
    if (inner instanceof PyDict && hasTensors(inner)) return inner;
  }
  throw new CheckpointError(`${where} holds a dict without tensors (keys: ${[...root.map.keys()].slice(0, 8).join(', ')}); expected a state_dict`);
}
