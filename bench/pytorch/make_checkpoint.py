"""make_checkpoint.py <B|L> <out.pt> [--seed N]

Writes a random-weight Long-CLIP checkpoint at the real shapes in the official format:
`torch.save(model.state_dict())`, float32, official key names. Init is CLIP's
`initialize_parameters` under a fixed seed. The matrices the official loader rounds to float16
(`convert_weights`) are stored already rounded (still as float32), so the checkpoint read exactly
(this engine's fp32 bundle, a torch export) and the official loader compute the same function.
Progress on stderr; the last stdout line is JSON.
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from longclip_model import SHAPES, LongCLIP, fp16_weights  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('shape', choices=sorted(SHAPES))
    ap.add_argument('out')
    ap.add_argument('--seed', type=int, default=248)
    args = ap.parse_args()

    started = time.time()
    torch.manual_seed(args.seed)
    model = LongCLIP(**SHAPES[args.shape])
    fp16_weights(model)  # round exactly as the official loader will...
    model.float()        # ...and store float32, as the published files are
    sd = model.state_dict()
    assert all(t.dtype == torch.float32 for t in sd.values())
    n = sum(t.numel() for t in sd.values())
    print(f'make_checkpoint: {args.shape}: {len(sd)} tensors, {n / 1e6:.1f} M parameters', file=sys.stderr)

    out = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + '.tmp'
    torch.save(sd, tmp)
    os.replace(tmp, out)
    size = os.path.getsize(out)
    print(f'make_checkpoint: wrote {out} ({size / 1e6:.0f} MB) in {time.time() - started:.1f} s', file=sys.stderr)
    print(json.dumps({'path': out, 'bytes': size, 'tensors': len(sd), 'parameters': n, 'seed': args.seed, 'shape': args.shape}))


if __name__ == '__main__':
    main()
