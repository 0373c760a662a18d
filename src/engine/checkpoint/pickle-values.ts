/** Python values as the restricted pickle VM builds them. */
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyList | PyDict | PyObject;

export type PyKey = string | number | bigint | boolean | null;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

export class PyList {
  constructor(readonly items: PyValue[] = []) {}
}

/** dict / OrderedDict; keys keep insertion order. Attributes set by BUILD are kept apart. */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  attributes: PyValue = null;
}

/**
 * Anything produced by a whitelisted global: the globals themselves (callables) and what they
 * return (tensors, storage types). Subclasses say how to call them and how BUILD applies.
 */
export abstract class PyObject {
  abstract readonly typeName: string;
  /** REDUCE / NEWOBJ with this object as the callable. */
  call(_args: readonly PyValue[]): PyValue {
    throw new Error(`${this.typeName} is not callable`);
  }
  /** BUILD with this object on the stack. */
  setState(_state: PyValue): void {
    throw new Error(`${this.typeName} does not accept BUILD`);
  }
}

/** A whitelisted global function or class. */
export class PyCallable extends PyObject {
  constructor(
    readonly typeName: string,
    private readonly fn: (args: readonly PyValue[]) => PyValue,
  ) {
    super();
  }
  override call(args: readonly PyValue[]): PyValue {
    return this.fn(args);
  }
}

/** A short description of a value's type, for error messages. */
export function describe(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyList) return 'list';
  if (value instanceof PyDict) return 'dict';
  return value.typeName;
}

export function isPyKey(value: PyValue): value is PyKey {
  return value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value);
}
