// A restricted pickle virtual machine for torch state_dicts: globals only through a whitelist, and
// limits on its stack, memo, operations and string sizes.
import { CheckpointError } from './tensor';
import { describe, isPyKey, PyDict, PyList, PyObject, PyTuple, type PyValue } from './pickle-values';

/**
 * A restricted pickle virtual machine (protocols 2 to 5, the opcodes a torch state_dict uses).
 * It never imports anything: GLOBAL and STACK_GLOBAL go through `findClass`, which allows a
 * whitelist, and persistent ids through `persistentLoad`.
 */
export interface PickleHooks {
  findClass(module: string, name: string): PyValue;
  persistentLoad(pid: PyValue): PyValue;
}

export interface PickleLimits {
  maxStack: number;
  maxMemo: number;
  maxOps: number;
  maxStringBytes: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxStack: 1_000_000,
  maxMemo: 1_000_000,
  maxOps: 50_000_000,
  maxStringBytes: 16 * 1024 * 1024,
};

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** Runs the pickle in `bytes` and returns the value at STOP. `where` prefixes every message. */
export function unpickle(bytes: Uint8Array, hooks: PickleHooks, where: string, limits = DEFAULT_PICKLE_LIMITS): PyValue {
  return new Machine(bytes, hooks, where, limits).run();
}

class Machine {
  private pos = 0;
  private readonly stack: Slot[] = [];
  private readonly memo = new Map<number, PyValue>();
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly latin1 = new TextDecoder('latin1');

  constructor(
    private readonly bytes: Uint8Array,
    private readonly hooks: PickleHooks,
    private readonly where: string,
    private readonly limits: PickleLimits,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(why: string): CheckpointError {
    return new CheckpointError(`${this.where}: ${why}`);
  }

  run(): PyValue {
    for (let ops = 0; ops < this.limits.maxOps; ops++) {
      const at = this.pos;
      const op = this.u8();
      try {
        if (this.step(op)) return this.finish();
      } catch (e) {
        if (e instanceof CheckpointError) throw e;
        throw this.fail(`${(e as Error).message} (opcode 0x${op.toString(16)} at byte ${at})`);
      }
      if (this.stack.length > this.limits.maxStack) throw this.fail('pickle stack too deep');
    }
    throw this.fail(`pickle runs more than ${this.limits.maxOps} operations`);
  }

  private finish(): PyValue {
    const v = this.pop();
    if (this.stack.length !== 0) throw this.fail('pickle leaves values on the stack at STOP');
    return v;
  }

  /** Executes one opcode; true at STOP. */
  private step(op: number): boolean {
    switch (op) {
      case 0x80:
        this.u8();
        break; // PROTO
      case 0x95:
        this.take(8);
        break; // FRAME: framing only matters to streaming readers
      case 0x2e:
        return true; // STOP
      case 0x28:
        this.stack.push(MARK);
        break;
      case 0x30:
        this.pop();
        break; // POP
      case 0x31:
        this.popMark();
        break; // POP_MARK
      case 0x32:
        this.push(this.top());
        break; // DUP
      case 0x4e:
        this.push(null);
        break;
      case 0x88:
        this.push(true);
        break;
      case 0x89:
        this.push(false);
        break;
      case 0x4a:
        this.push(this.view.getInt32(this.take(4), true));
        break; // BININT
      case 0x4b:
        this.push(this.u8());
        break; // BININT1
      case 0x4d:
        this.push(this.view.getUint16(this.take(2), true));
        break; // BININT2
      case 0x8a:
        this.push(this.long(this.u8()));
        break; // LONG1
      case 0x8b:
        this.push(this.long(this.length(4)));
        break; // LONG4
      case 0x47:
        this.push(this.view.getFloat64(this.take(8), false));
        break; // BINFLOAT
      case 0x58:
        this.push(this.text(this.length(4)));
        break; // BINUNICODE
      case 0x8c:
        this.push(this.text(this.u8()));
        break; // SHORT_BINUNICODE
      case 0x8d:
        this.push(this.text(this.length(8)));
        break; // BINUNICODE8
      case 0x54:
        this.push(this.latin(this.length(4)));
        break; // BINSTRING
      case 0x55:
        this.push(this.latin(this.u8()));
        break; // SHORT_BINSTRING
      case 0x42:
        this.push(this.blob(this.length(4)));
        break; // BINBYTES
      case 0x43:
        this.push(this.blob(this.u8()));
        break; // SHORT_BINBYTES
      case 0x8e:
        this.push(this.blob(this.length(8)));
        break; // BINBYTES8
      case 0x7d:
        this.push(new PyDict());
        break; // EMPTY_DICT
      case 0x5d:
        this.push(new PyList());
        break; // EMPTY_LIST
      case 0x29:
        this.push(new PyTuple([]));
        break; // EMPTY_TUPLE
      case 0x74:
        this.push(new PyTuple(this.popMark()));
        break; // TUPLE
      case 0x85:
        this.push(new PyTuple(this.popN(1)));
        break;
      case 0x86:
        this.push(new PyTuple(this.popN(2)));
        break;
      case 0x87:
        this.push(new PyTuple(this.popN(3)));
        break;
      case 0x6c:
        this.push(new PyList(this.popMark()));
        break; // LIST
      case 0x64: {
        // DICT
        const d = new PyDict();
        this.setItems(d, this.popMark());
        this.push(d);
        break;
      }
      case 0x61:
        this.listOf(this.top(1)).push(this.pop());
        break; // APPEND: pops the item first
      case 0x65: {
        // APPENDS
        const items = this.popMark();
        const list = this.listOf(this.top());
        for (const item of items) list.push(item); // not push(...items): that overflows the call stack past ~100k items
        break;
      }
      case 0x73: {
        // SETITEM
        const pair = this.popN(2);
        this.setItems(this.dictOf(this.top()), pair);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = this.popMark();
        this.setItems(this.dictOf(this.top()), items);
        break;
      }
      case 0x71:
        this.put(this.u8());
        break; // BINPUT
      case 0x72:
        this.put(this.length(4));
        break; // LONG_BINPUT
      case 0x94:
        this.put(this.memo.size);
        break; // MEMOIZE
      case 0x68:
        this.get(this.u8());
        break; // BINGET
      case 0x6a:
        this.get(this.length(4));
        break; // LONG_BINGET
      case 0x63: {
        // GLOBAL
        const module = this.line();
        this.push(this.hooks.findClass(module, this.line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const [module, name] = this.popN(2);
        if (typeof module !== 'string' || typeof name !== 'string') throw new Error('STACK_GLOBAL needs two strings');
        this.push(this.hooks.findClass(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = this.pop();
        if (!(args instanceof PyTuple)) throw new Error(`REDUCE needs an argument tuple, not ${describe(args)}`);
        this.push(this.callable(this.pop()).call(args.items));
        break;
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args); only whitelisted classes, which we construct directly
        const args = this.pop();
        if (!(args instanceof PyTuple)) throw new Error(`NEWOBJ needs an argument tuple, not ${describe(args)}`);
        this.push(this.callable(this.pop()).call(args.items));
        break;
      }
      case 0x62: {
        // BUILD
        const state = this.pop();
        const target = this.top();
        if (target instanceof PyDict) target.attributes = state;
        else if (target instanceof PyObject) target.setState(state);
        else throw new Error(`BUILD on ${describe(target)}`);
        break;
      }
      case 0x51:
        this.push(this.hooks.persistentLoad(this.pop()));
        break; // BINPERSID
      default:
        throw new Error(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
    }
    return false;
  }

  private u8(): number {
    if (this.pos >= this.bytes.byteLength) throw this.fail('pickle ends without STOP');
    return this.bytes[this.pos++]!;
  }

  /** Reserves `n` bytes and returns where they start. */
  private take(n: number): number {
    if (this.pos + n > this.bytes.byteLength) throw this.fail('pickle ends in the middle of an operation');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** An unsigned length or memo index of `size` bytes, bounded by the pickle itself. */
  private length(size: 4 | 8): number {
    const at = this.take(size);
    const v = size === 4 ? this.view.getUint32(at, true) : Number(this.view.getBigUint64(at, true));
    if (!Number.isSafeInteger(v)) throw new Error('length out of range');
    return v;
  }

  private span(n: number): Uint8Array {
    if (n > this.limits.maxStringBytes) throw new Error(`string of ${n} bytes is too long`);
    const at = this.take(n);
    return this.bytes.subarray(at, at + n);
  }

  private text(n: number): string {
    return this.utf8.decode(this.span(n));
  }

  private latin(n: number): string {
    return this.latin1.decode(this.span(n));
  }

  private blob(n: number): Uint8Array {
    return this.span(n).slice();
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > 1024) throw new Error('GLOBAL name is not terminated');
    return this.latin(end - this.pos + 1).slice(0, -1);
  }

  /** LONG1/LONG4: little-endian two's complement; numbers when safe, else bigint. */
  private long(n: number): number | bigint {
    if (n > 8) throw new Error(`integer of ${n} bytes is too large`);
    const b = this.span(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (n > 0 && b[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private push(v: PyValue): void {
    this.stack.push(v);
  }

  private pop(): PyValue {
    const v = this.stack.pop();
    if (v === undefined) throw new Error('pickle stack underflow');
    if (v === MARK) throw new Error('unexpected MARK on the stack');
    return v;
  }

  private top(depth = 0): PyValue {
    const v = this.stack[this.stack.length - 1 - depth];
    if (v === undefined || v === MARK) throw new Error('pickle stack underflow');
    return v;
  }

  private popN(n: number): PyValue[] {
    const items: PyValue[] = new Array(n);
    for (let i = n - 1; i >= 0; i--) items[i] = this.pop();
    return items;
  }

  private popMark(): PyValue[] {
    const at = this.stack.lastIndexOf(MARK);
    if (at < 0) throw new Error('no MARK on the stack');
    const items = this.stack.splice(at) as PyValue[];
    items.shift();
    return items;
  }

  private put(index: number): void {
    if (!this.memo.has(index) && this.memo.size >= this.limits.maxMemo) throw this.fail('pickle memo too large');
    this.memo.set(index, this.top());
  }

  private get(index: number): void {
    const v = this.memo.get(index);
    if (v === undefined) throw new Error(`memo entry ${index} is not set`);
    this.push(v);
  }

  private callable(v: PyValue): PyObject {
    if (!(v instanceof PyObject)) throw new Error(`cannot call ${describe(v)}`);
    return v;
  }

  private listOf(v: PyValue): PyValue[] {
    if (!(v instanceof PyList)) throw new Error(`APPEND on ${describe(v)}`);
    return v.items;
  }

  private dictOf(v: PyValue): PyDict {
    if (!(v instanceof PyDict)) throw new Error(`SETITEM on ${describe(v)}`);
    return v;
  }

  private setItems(d: PyDict, items: PyValue[]): void {
    if (items.length % 2 !== 0) throw new Error('odd number of dict items');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i]!;
      if (!isPyKey(key)) throw new Error(`unsupported dict key of type ${describe(key)}`);
      d.map.set(key, items[i + 1]!);
    }
  }
}
