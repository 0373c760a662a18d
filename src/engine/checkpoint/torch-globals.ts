// The globals a state_dict pickle may name (storage types, OrderedDict, the tensor rebuilders) and
// the storage and tensor references they make.
import { describe, isPyKey, PyCallable, PyDict, PyObject, PyTuple, type PyValue } from './pickle-values';
import type { StorageDType } from './tensor';

/**
 * The only globals a state_dict pickle may name, and the objects they produce. Nothing here
 * touches bytes: storages are recorded by key and tensors by their view parameters, to be
 * checked against the zip entries afterwards.
 */

/** `torch.FloatStorage` and friends: only ever used as the type inside a persistent id. */
export class StorageType extends PyObject {
  constructor(
    readonly typeName: string,
    readonly dtype: StorageDType,
  ) {
    super();
  }
}

/** A storage named by a persistent id: zip entry `data/<key>` holding `numel` elements. */
export class StorageRef extends PyObject {
  readonly typeName = 'storage';
  constructor(
    readonly key: string,
    readonly dtype: StorageDType,
    readonly numel: number,
  ) {
    super();
  }
}

/** The result of `_rebuild_tensor_v2`: a view into a storage. */
export class TensorRef extends PyObject {
  readonly typeName = 'torch.Tensor';
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
  ) {
    super();
  }
  /** torch may BUILD tensor subclasses' __dict__ state; plain tensors carry none we need. */
  override setState(_state: PyValue): void {}
}

const STORAGE_TYPES: Record<string, StorageDType> = {
  'torch.FloatStorage': 'float32',
  'torch.HalfStorage': 'float16',
  'torch.BFloat16Storage': 'bfloat16',
};

function int(v: PyValue, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new Error(`${what} must be a non-negative integer, not ${isPyKey(v) ? String(v) : describe(v)}`);
  return v;
}

function intTuple(v: PyValue, what: string): number[] {
  if (!(v instanceof PyTuple)) throw new Error(`${what} must be a tuple, not ${describe(v)}`);
  if (v.items.length > 16) throw new Error(`${what} has ${v.items.length} dimensions`);
  return v.items.map((x) => int(x, what));
}

function rebuildTensor(args: readonly PyValue[], name: string): TensorRef {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) throw new Error(`${name} needs a storage, not ${describe(storage ?? null)}`);
  return new TensorRef(storage, int(offset ?? null, 'storage offset'), intTuple(size ?? null, 'tensor size'), intTuple(stride ?? null, 'tensor stride'));
}

const GLOBALS: Record<string, (args: readonly PyValue[]) => PyValue> = {
  'collections.OrderedDict': (args) => {
    if (args.length !== 0) throw new Error('OrderedDict with arguments is not supported');
    return new PyDict();
  },
  'torch._utils._rebuild_tensor_v2': (args) => rebuildTensor(args, '_rebuild_tensor_v2'),
  'torch._utils._rebuild_tensor': (args) => rebuildTensor(args, '_rebuild_tensor'),
  'torch._utils._rebuild_parameter': (args) => {
    const [data] = args;
    if (!(data instanceof TensorRef)) throw new Error(`_rebuild_parameter needs a tensor, not ${describe(data ?? null)}`);
    return data;
  },
};

/** Resolves a whitelisted global, or throws naming the refused one. */
export function findStateDictGlobal(module: string, name: string): PyValue {
  const qualified = `${module}.${name}`;
  const dtype = STORAGE_TYPES[qualified];
  if (dtype) return new StorageType(qualified, dtype);
  const fn = GLOBALS[qualified];
  if (fn) return new PyCallable(qualified, fn);
  throw new Error(`refusing global ${qualified} (only state_dict globals are allowed)`);
}

/** Interprets a persistent id `('storage', storage_type, key, location, numel)`. */
export function parseStoragePid(pid: PyValue): { key: string; type: StorageType; numel: number } {
  if (!(pid instanceof PyTuple) || pid.items.length !== 5 || pid.items[0] !== 'storage') {
    throw new Error(`unsupported persistent id (${describe(pid)}); expected ('storage', type, key, location, numel)`);
  }
  const [, type, key, , numel] = pid.items;
  if (!(type instanceof StorageType)) throw new Error(`persistent id names ${describe(type ?? null)} instead of a storage type`);
  if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
  return { key, type, numel: int(numel ?? null, 'storage size') };
}
