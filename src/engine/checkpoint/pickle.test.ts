import { describe, expect, it } from 'vitest';
import { DEFAULT_PICKLE_LIMITS, unpickle, type PickleHooks } from './pickle';
import { PyDict, PyList, type PyTuple } from './pickle-values';
import { CheckpointError } from './tensor';
import { PickleBuilder } from './testing/pickle-builder';
import { findStateDictGlobal } from './torch-globals';

const hooks: PickleHooks = {
  findClass: (m, n) => findStateDictGlobal(m, n),
  persistentLoad: () => {
    throw new Error('no persistent ids here');
  },
};
const run = (bytes: Uint8Array, limits = DEFAULT_PICKLE_LIMITS) => unpickle(bytes, hooks, 'x.pt: data.pkl', limits);

describe('pickle VM', () => {
  it('builds containers, ints, strings and memo references', () => {
    const p = new PickleBuilder()
      .op(0x7d, 0x71, 0x00) // EMPTY_DICT, BINPUT 0
      .mark()
      .str('a')
      .str('b')
      .op(0x85) // 'a': ('b',)
      .str('big')
      .op(0x8a, 0x05, 0x00, 0x00, 0x00, 0x00, 0x01) // 'big': 2**32 (LONG1)
      .str('neg')
      .op(0x8a, 0x02, 0x00, 0xff) // 'neg': -256
      .str('list')
      .op(0x5d, 0x28, 0x88, 0x89, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4d, 0x34, 0x12, 0x65) // [True, False, None, -1, 0x1234]
      .str('self')
      .op(0x68, 0x00) // BINGET 0: the dict itself
      .op(0x75) // SETITEMS
      .op(0x8c, 1, 0x6b, 0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0x73) // SETITEM 'k': 1.5 (BINFLOAT)
      .stop();
    const d = run(p) as PyDict;
    expect(d).toBeInstanceOf(PyDict);
    // oxlint-disable-next-line typescript/no-unsafe-class-instance-assignment -- the pickle built above puts a tuple here; the cast only names it, and the test reads .items
    expect((d.map.get('a') as PyTuple).items).toEqual(['b']);
    expect(d.map.get('big')).toBe(2 ** 32);
    expect(d.map.get('neg')).toBe(-256);
    expect((d.map.get('list') as PyList).items).toEqual([true, false, null, -1, 0x1234]);
    expect(d.map.get('self')).toBe(d);
    expect(d.map.get('k')).toBe(1.5);
    expect(() => run(new PickleBuilder().op(0x29, 0x4e, 0x4e, 0x73).stop())).toThrow('SETITEM on tuple');
  });

  it('runs protocol 4 opcodes (FRAME, MEMOIZE, STACK_GLOBAL, BINGET)', () => {
    const p = new PickleBuilder()
      .op(0x95, 0, 0, 0, 0, 0, 0, 0, 0) // FRAME
      .op(0x8c, 11, ...new TextEncoder().encode('collections'), 0x94)
      .op(0x8c, 11, ...new TextEncoder().encode('OrderedDict'), 0x94)
      .op(0x93, 0x94, 0x29, 0x52, 0x94) // STACK_GLOBAL, (), REDUCE
      .op(0x68, 0x00, 0x85) // BINGET 0 -> 'collections', TUPLE1
      .op(0x5d, 0x68, 0x00, 0x61) // ['collections'] via APPEND
      .op(0x86, 0x86) // ((OrderedDict(), (('collections',), ['collections']))
      .stop();
    // oxlint-disable-next-line typescript/no-unsafe-class-instance-assignment -- the pickle built above puts a tuple here; the cast only names it, and the test reads .items
    const t = run(p) as PyTuple;
    expect(t.items[0]).toBeInstanceOf(PyDict);
    // oxlint-disable-next-line typescript/no-unsafe-class-instance-assignment -- the pickle built above puts a tuple here; the cast only names it, and the test reads .items
    const inner = t.items[1] as PyTuple;
    expect(inner.items[1]).toBeInstanceOf(PyList);
  });

  it.each([
    ['os', 'system'],
    ['builtins', 'eval'],
    ['torch', 'DoubleStorage'],
    ['posix', 'system'],
    ['__builtin__', 'getattr'],
    ['subprocess', 'Popen'],
    ['torch.storage', '_load_from_bytes'],
    ['collections', 'OrderedDict.__class__'],
  ])('refuses the global %s.%s', (module, name) => {
    const p = new PickleBuilder().global(module, name).stop();
    expect(() =>
      unpickle(
        p,
        {
          ...hooks,
          findClass: (m, n) => {
            try {
              return findStateDictGlobal(m, n);
            } catch (e) {
              throw new CheckpointError(`x.pt: data.pkl: ${(e as Error).message}`);
            }
          },
        },
        'x.pt: data.pkl',
      ),
    ).toThrow(`x.pt: data.pkl: refusing global ${module}.${name} (only state_dict globals are allowed)`);
  });

  it('refuses a global through STACK_GLOBAL too', () => {
    const p = new PickleBuilder().str('builtins').str('exec').op(0x93).stop();
    expect(() => run(p)).toThrow('refusing global builtins.exec');
  });

  it('fails clearly on malformed pickles', () => {
    expect(() => run(new Uint8Array([0x80, 2, 0x7d]))).toThrow('x.pt: data.pkl: pickle ends without STOP');
    expect(() => run(new Uint8Array([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0x7f]))).toThrow('string of 2147483647 bytes is too long');
    expect(() => run(new Uint8Array([0x80, 2, 0x58, 0x10, 0, 0, 0, 0x61]))).toThrow('pickle ends in the middle of an operation');
    expect(() => run(new Uint8Array([0x80, 2, 0x30, 0x2e]))).toThrow('pickle stack underflow');
    expect(() => run(new Uint8Array([0x80, 2, 0x68, 7, 0x2e]))).toThrow('memo entry 7 is not set');
    expect(() => run(new Uint8Array([0x80, 2, 0x69, 0x2e]))).toThrow('unsupported pickle opcode 0x69');
    expect(() => run(new Uint8Array([0x80, 2, 0x4e, 0x4e, 0x2e]))).toThrow('leaves values on the stack');
    expect(() => run(new Uint8Array([0x80, 2, 0x4e, 0x29, 0x52, 0x2e]))).toThrow('cannot call None');
  });

  it('appends a long run of items in one APPENDS', () => {
    const n = 300_000;
    const p = new Uint8Array(4 + n + 2).fill(0x4e); // [None] * n
    p.set([0x80, 2, 0x5d, 0x28]);
    p.set([0x65, 0x2e], 4 + n);
    expect((run(p) as PyList).items.length).toBe(n);
  });

  it('bounds the stack, the memo and the number of operations', () => {
    const many = new Uint8Array(2 + 1000 + 1).fill(0x4e);
    many.set([0x80, 2]);
    many[many.length - 1] = 0x2e;
    const small = { ...DEFAULT_PICKLE_LIMITS, maxStack: 100 };
    expect(() => run(many, small)).toThrow('pickle stack too deep');
    expect(() => run(many, { ...DEFAULT_PICKLE_LIMITS, maxOps: 50 })).toThrow('more than 50 operations');
    const memo = new PickleBuilder().op(0x4e);
    for (let i = 0; i < 20; i++) memo.op(0x71, i);
    expect(() => run(memo.op(0x30).op(0x4e).stop(), { ...DEFAULT_PICKLE_LIMITS, maxMemo: 10 })).toThrow('pickle memo too large');
  });
});
