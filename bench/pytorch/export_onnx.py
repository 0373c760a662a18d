"""export_onnx.py <B|L> <checkpoint.pt> <outdir>

The peer route: the PyTorch encoders exported with `torch.onnx.export` (opset 17), the way
transformers.js-style models are made.
- `<outdir>/image.onnx`: pixel_values float32 [batch, 3, R, R] -> image_embeds [batch, embed]
- `<outdir>/text.onnx`: input_ids int64 [batch, sequence] (any sequence <= 248: start..end, then
  zero padding if batched) -> text_embeds [batch, embed], pooled at the argmax of the ids. The
  positional tables and the causal mask are cut to the input's length inside the graph.
Embeddings are the raw encoder outputs (not normalised). Weights are the checkpoint's as the
official loader reads them (for the benchmark's checkpoints, which are stored fp16-rounded, that
is exactly the checkpoint).

Also writes `<outdir>/reference/` (inputs and PyTorch outputs, float32/int64 little-endian) for
`check_export.ts`, and `<outdir>/export.json` last, as the mark of a complete export.
Progress on stderr; the last stdout line is JSON.
"""
import argparse
import json
import os
import shutil
import sys
import time
import warnings

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from longclip_model import CONTEXT, load_official  # noqa: E402

SOT, EOT = 49406, 49407
OPSET = 17


def log(msg):
    print(f'export_onnx: {msg}', file=sys.stderr, flush=True)


class ImageEncoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        return self.model.encode_image(pixel_values)


class TextEncoder(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids):
        return self.model.encode_text_dynamic(input_ids)


def tokens(gen, lengths, seq):
    """[len(lengths), seq] int64: start, random ids, end, zero padding."""
    ids = torch.zeros(len(lengths), seq, dtype=torch.int64)
    for i, n in enumerate(lengths):
        ids[i, 0] = SOT
        ids[i, 1:n - 1] = torch.randint(1, SOT, (n - 2,), generator=gen)
        ids[i, n - 1] = EOT
    return ids


def cosines(a, b):
    return torch.nn.functional.cosine_similarity(a.double(), b.double(), dim=-1).tolist()


def save(path, t):
    t.contiguous().numpy().tofile(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('shape', choices=['B', 'L'])
    ap.add_argument('checkpoint')
    ap.add_argument('outdir')
    args = ap.parse_args()
    torch.set_num_threads(os.cpu_count())

    started = time.time()
    model = load_official(args.checkpoint)
    res = model.visual.input_resolution
    out = os.path.abspath(args.outdir)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, 'reference'))
    gen = torch.Generator().manual_seed(17)
    info = {'shape': args.shape, 'opset': OPSET, 'torch': torch.__version__, 'context': CONTEXT, 'resolution': res}

    with torch.no_grad():
        # The cut (dynamic-length) text path computes what the official padded path does.
        ids = tokens(gen, [20, 40, 77, 150, 248], CONTEXT)
        padded = model.encode_text(ids)
        cut = torch.cat([model.encode_text_dynamic(ids[i:i + 1, :n]) for i, n in enumerate([20, 40, 77, 150, 248])])
        c = cosines(padded, cut)
        info['torch_dynamic_vs_padded_cos_min'] = min(c)
        log(f'torch: dynamic-length text vs the official padded path: min cosine {min(c):.7f}')
        if min(c) < 0.99999:
            raise SystemExit('dynamic-length text path does not match the official one')

        warnings.filterwarnings('ignore', category=torch.jit.TracerWarning)
        t = time.time()
        pixels = torch.randn(2, 3, res, res, generator=gen)
        torch.onnx.export(ImageEncoder(model), (pixels,), os.path.join(out, 'image.onnx'),
                          input_names=['pixel_values'], output_names=['image_embeds'],
                          dynamic_axes={'pixel_values': {0: 'batch'}, 'image_embeds': {0: 'batch'}},
                          opset_version=OPSET, do_constant_folding=True)
        log(f'image.onnx in {time.time() - t:.1f} s')
        t = time.time()
        example = tokens(gen, [40, 33], 40)
        torch.onnx.export(TextEncoder(model), (example,), os.path.join(out, 'text.onnx'),
                          input_names=['input_ids'], output_names=['text_embeds'],
                          dynamic_axes={'input_ids': {0: 'batch', 1: 'sequence'}, 'text_embeds': {0: 'batch'}},
                          opset_version=OPSET, do_constant_folding=True)
        log(f'text.onnx in {time.time() - t:.1f} s')

        # Reference inputs and outputs for check_export.ts (onnxruntime-node).
        ref = os.path.join(out, 'reference')
        cases = []
        pixels = torch.randn(3, 3, res, res, generator=gen)
        save(os.path.join(ref, 'pixels.f32'), pixels)
        save(os.path.join(ref, 'image_embeds.f32'), model.encode_image(pixels))
        cases.append({'kind': 'image', 'input': 'pixels.f32', 'dims': list(pixels.shape), 'output': 'image_embeds.f32'})
        for name, lengths, seq in [('t40', [40], 40), ('t248', [248], 248), ('t20', [20], 20), ('batch77', [77, 50], 77)]:
            ids = tokens(gen, lengths, seq)
            save(os.path.join(ref, f'{name}.i64'), ids)
            # the reference is the official padded path
            padded = torch.zeros(len(lengths), CONTEXT, dtype=torch.int64)
            padded[:, :seq] = ids
            save(os.path.join(ref, f'{name}.f32'), model.encode_text(padded))
            cases.append({'kind': 'text', 'input': f'{name}.i64', 'dims': list(ids.shape), 'output': f'{name}.f32'})
        info['cases'] = cases

    info['embed_dim'] = model.text_projection.shape[1]
    info['files'] = sorted(os.listdir(out))
    info['bytes'] = {f: os.path.getsize(os.path.join(out, f)) for f in info['files'] if os.path.isfile(os.path.join(out, f))}
    info['seconds'] = time.time() - started
    with open(os.path.join(out, 'export.json.tmp'), 'w') as f:
        json.dump(info, f, indent=1)
    os.replace(os.path.join(out, 'export.json.tmp'), os.path.join(out, 'export.json'))
    log(f'wrote {out} in {info["seconds"]:.0f} s')
    print(json.dumps({'outdir': out, **{k: info[k] for k in ('shape', 'opset', 'bytes', 'seconds', 'torch_dynamic_vs_padded_cos_min')}}))


if __name__ == '__main__':
    main()
