"""bench_torch.py <B|L> <checkpoint.pt> [--quick]

The anchor: PyTorch CPU running Long-CLIP as the official code does (`longclip.load(path, 'cpu')`:
matrices rounded to float16, then `.float()`, eval), under `torch.no_grad()` and
`torch.inference_mode()`, on all cores. Measures image embeddings per second at batch 1 and 8
(random pixels) and one text query at 20, 40, 77, 150 and 248 real tokens, each padded to 248 as
the official `tokenize` does (so the time does not depend on the length), with distinct random
token ids on every run; warm-up runs are excluded; medians. Progress on stderr; the last stdout
line is JSON.

Environment (measured on 2 cores, B shape): torch's OpenMP pool and OpenBLAS's pthread pool each
have a thread per core, and with OpenMP's default spin-waiting an idle OpenMP worker spins on the
core an OpenBLAS thread needs: the image encoder ran 3 to 7 times slower, erratically. And glibc
gave the large activation tensors back to the kernel after each layer (mmap / heap trimming), so
at batch 8 every tensor was page-faulted in again: 670 ms per image instead of ~150. So, unless
`--plain` is given or the environment already sets them, the script re-executes itself with
OMP_WAIT_POLICY=PASSIVE and glibc malloc tunables that keep freed memory (see TUNED_ENV); the
values used are reported ("env" in the JSON). These must be set before the process starts.
"""
import argparse
import ctypes
import json
import os
import statistics
import sys
import time

TUNED_ENV = {
    'OMP_WAIT_POLICY': 'PASSIVE',
    'MALLOC_MMAP_THRESHOLD_': str(4 << 30),
    'MALLOC_TRIM_THRESHOLD_': str(64 << 30),
    'MALLOC_TOP_PAD_': str(512 << 20),
}
if '--plain' not in sys.argv and any(k not in os.environ for k in TUNED_ENV):
    os.execve(sys.executable, [sys.executable] + sys.argv, {**TUNED_ENV, **os.environ})

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from longclip_model import CONTEXT, load_official  # noqa: E402

SOT, EOT = 49406, 49407
TEXT_LENGTHS = [20, 40, 77, 150, 248]


def log(msg):
    print(f'bench_torch: {msg}', file=sys.stderr, flush=True)


def blas_info() -> dict:
    """Which BLAS the process really loaded (from /proc/self/maps), and OpenBLAS's own report."""
    libs = set()
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                p = line.split()[-1]
                if p.startswith('/') and ('blas' in p.lower() or 'lapack' in p.lower() or 'mkl' in p.lower()):
                    libs.add(p)
    except OSError:
        pass
    info = {'libraries': sorted(libs)}
    for p in sorted(libs):
        try:
            lib = ctypes.CDLL(p)
            cfg = lib.openblas_get_config
        except (OSError, AttributeError):
            continue
        cfg.restype = ctypes.c_char_p
        core = lib.openblas_get_corename
        core.restype = ctypes.c_char_p
        info.update(openblas_config=cfg().decode(), openblas_core=core().decode(),
                    openblas_threads=lib.openblas_get_num_threads())
        break
    if 'openblas_config' in info:
        info['summary'] = f"{info['openblas_config'].split(' NO_')[0]} core={info['openblas_core']} threads={info['openblas_threads']}"
    else:
        info['summary'] = 'reference or unknown BLAS (not OpenBLAS): ' + ', '.join(info['libraries'])
    cap = [l.strip() for l in torch.__config__.show().splitlines() if 'CPU capability' in l]
    info['torch_cpu_capability'] = cap[0].split(':', 1)[1].strip() if cap else None
    info['mkldnn'] = torch.backends.mkldnn.is_available()
    info['env'] = {k: os.environ[k] for k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'ATEN_CPU_CAPABILITY', *TUNED_ENV) if k in os.environ}
    return info


def random_tokens(gen: torch.Generator, n: int) -> torch.Tensor:
    """A [1, 248] query of `n` tokens (start and end included), zero-padded, int32 like `tokenize`."""
    ids = torch.zeros(1, CONTEXT, dtype=torch.int)
    ids[0, 0] = SOT
    ids[0, 1:n - 1] = torch.randint(1, SOT, (n - 2,), generator=gen, dtype=torch.int)
    ids[0, n - 1] = EOT
    return ids


def timed(fn, warmup: int, runs: int, make_input):
    for _ in range(warmup):
        fn(make_input())
    times = []
    for _ in range(runs):
        x = make_input()
        t = time.perf_counter()
        out = fn(x)
        times.append(time.perf_counter() - t)
    return times, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('shape', choices=['B', 'L'])
    ap.add_argument('checkpoint')
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--plain', action='store_true', help='no OMP_WAIT_POLICY / malloc tuning (see the docstring)')
    ap.add_argument('--threads', type=int, default=os.cpu_count())
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    blas = blas_info()  # after torch is imported: its BLAS is loaded by then
    log(f'torch {torch.__version__}, {torch.get_num_threads()} threads ({" ".join(f"{k}={v}" for k, v in blas["env"].items()) or "plain environment"}); '
        f'BLAS: {blas["summary"]}; ATen CPU capability {blas["torch_cpu_capability"]}')
    if 'openblas_config' not in blas:
        log('WARNING: torch is not using OpenBLAS; expect it to be ~20x slower (install libopenblas0-pthread)')

    t = time.perf_counter()
    model = load_official(args.checkpoint)
    load_s = time.perf_counter() - t
    log(f'loaded {args.checkpoint} in {load_s:.1f} s')
    res = model.visual.input_resolution

    if args.quick:
        img_runs = {1: (2, 5), 8: (1, 3)}
        text_warmup, text_runs = 1, 5
    else:
        img_runs = {1: (2, 10), 8: (1, 5)}
        text_warmup, text_runs = 2, 10

    gen = torch.Generator().manual_seed(0)
    result = {'shape': args.shape}
    with torch.no_grad(), torch.inference_mode():
        for batch, (warmup, runs) in img_runs.items():
            times, out = timed(model.encode_image, warmup, runs,
                               lambda: torch.randn(batch, 3, res, res, generator=gen))
            assert out.shape[0] == batch and torch.isfinite(out).all()
            med = statistics.median(times)
            result[f'image_per_s_b{batch}'] = batch / med
            result[f'image_ms_b{batch}'] = med * 1000
            log(f'image batch {batch}: {med * 1000:.0f} ms median of {runs} -> {batch / med:.2f} images/s')

        text_ms = {}
        for n in TEXT_LENGTHS:
            times, out = timed(model.encode_text, text_warmup, text_runs, lambda: random_tokens(gen, n))
            assert torch.isfinite(out).all()
            text_ms[str(n)] = statistics.median(times) * 1000
            log(f'text {n} tokens (padded to {CONTEXT}): {text_ms[str(n)]:.0f} ms median of {text_runs}')
        result['text_ms'] = text_ms

    result.update(threads=torch.get_num_threads(), torch=torch.__version__, blas=blas['summary'], env=blas['env'],
                  blas_detail=blas, load_s=load_s, quick=args.quick,
                  runs={'image_b1': img_runs[1][1], 'image_b8': img_runs[8][1], 'text': text_runs})
    print(json.dumps(result))


if __name__ == '__main__':
    main()
