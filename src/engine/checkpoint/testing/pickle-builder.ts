// Test-only: assembles protocol-2 pickles opcode by opcode, and whole state_dict pickles.

export class PickleBuilder {
  private out: number[] = [0x80, 2];

  op(...bytes: number[]): this {
    this.out.push(...bytes);
    return this;
  }
  global(module: string, name: string): this {
    return this.op(0x63, ...new TextEncoder().encode(`${module}\n${name}\n`));
  }
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.op(0x58, ...u32(b.length), ...b);
  }
  int(v: number): this {
    if (v >= 0 && v < 256) return this.op(0x4b, v);
    if (v >= 0 && v < 65536) return this.op(0x4d, v & 0xff, v >> 8);
    if (v >= -(2 ** 31) && v < 2 ** 31) return this.op(0x4a, ...u32(v >>> 0));
    return this.op(0x8a, 8, ...i64(v)); // LONG1
  }
  ints(values: readonly number[]): this {
    this.op(0x28);
    for (const v of values) this.int(v);
    return this.op(0x74);
  }
  mark(): this {
    return this.op(0x28);
  }
  tuple(): this {
    return this.op(0x74);
  }
  emptyTuple(): this {
    return this.op(0x29);
  }
  emptyDict(): this {
    return this.op(0x7d);
  }
  reduce(): this {
    return this.op(0x52);
  }
  setItems(): this {
    return this.op(0x75);
  }
  persId(): this {
    return this.op(0x51);
  }
  stop(): Uint8Array {
    return Uint8Array.from([...this.out, 0x2e]);
  }
}

function i64(v: number): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  return Array.from({ length: 8 }, () => {
    const b = Number(x & 0xffn);
    x >>= 8n;
    return b;
  });
}

function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

export interface PickledTensor {
  name: string;
  storageType?: string; // e.g. 'FloatStorage'
  key: string;
  storageNumel: number;
  offset?: number;
  shape: number[];
  stride?: number[];
}

/** `OrderedDict` of `_rebuild_tensor_v2` calls, as `torch.save(model.state_dict())` writes it. */
export function stateDictPickle(tensors: readonly PickledTensor[]): Uint8Array {
  const p = new PickleBuilder().global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  for (const t of tensors) {
    const stride = t.stride ?? t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    p.str(t.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    p.mark()
      .str('storage')
      .global('torch', t.storageType ?? 'FloatStorage')
      .str(t.key)
      .str('cpu')
      .int(t.storageNumel)
      .tuple()
      .persId();
    p.int(t.offset ?? 0)
      .ints(t.shape)
      .ints(stride)
      .op(0x89);
    p.global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
  }
  return p.setItems().stop();
}
