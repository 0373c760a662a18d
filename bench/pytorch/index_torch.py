"""index_torch.py <checkpoint.pt> <photo> [<photo>...]

The official indexing pipeline, the anchor of `index_cli_per_s`: each photo decoded by PIL and
preprocessed as Long-CLIP's `_transform` does (Resize(224, bicubic) on the shorter side,
CenterCrop(224), RGB, ToTensor, Normalize with CLIP's mean and std; written here with PIL and
numpy, as torchvision computes it, since Debian's python3-torch comes without torchvision), in a
torch DataLoader with one worker process per core, batches of 8, into the model loaded as
`longclip.load(path, 'cpu')` does, tuned as bench_torch.py is (OMP_WAIT_POLICY=PASSIVE, glibc
keeping its buffers). Times from the first batch asked for to the last embedding (the model's
load is reported apart). The last stdout line is JSON.
"""
import json
import os
import sys
import time

TUNED_ENV = {
    'OMP_WAIT_POLICY': 'PASSIVE',
    'MALLOC_MMAP_THRESHOLD_': str(4 << 30),
    'MALLOC_TRIM_THRESHOLD_': str(64 << 30),
    'MALLOC_TOP_PAD_': str(512 << 20),
}
if any(k not in os.environ for k in TUNED_ENV):
    os.execve(sys.executable, [sys.executable] + sys.argv, {**TUNED_ENV, **os.environ})

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from longclip_model import load_official  # noqa: E402

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def log(msg):
    print(f'index_torch: {msg}', file=sys.stderr, flush=True)


def preprocess(path: str, n_px: int) -> torch.Tensor:
    image = Image.open(path)
    w, h = image.size
    # torchvision Resize(n_px): the shorter side becomes n_px, the longer int(n_px * long / short).
    if w <= h:
        size = (n_px, int(n_px * h / w))
    else:
        size = (int(n_px * w / h), n_px)
    image = image.resize(size, Image.BICUBIC)
    # CenterCrop: torchvision rounds the offsets.
    left = int(round((size[0] - n_px) / 2.0))
    top = int(round((size[1] - n_px) / 2.0))
    image = image.crop((left, top, left + n_px, top + n_px)).convert('RGB')
    pixels = (np.asarray(image, dtype=np.float32) / 255.0 - MEAN) / STD
    return torch.from_numpy(pixels.transpose(2, 0, 1).copy())


class Photos(torch.utils.data.Dataset):
    def __init__(self, paths, n_px):
        self.paths = paths
        self.n_px = n_px

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        return preprocess(self.paths[i], self.n_px)


def main():
    checkpoint, *paths = sys.argv[1:]
    cores = os.cpu_count() or 1
    torch.set_num_threads(cores)
    t0 = time.perf_counter()
    model = load_official(checkpoint)
    load_s = time.perf_counter() - t0
    n_px = model.visual.input_resolution
    loader = torch.utils.data.DataLoader(Photos(paths, n_px), batch_size=8, num_workers=cores)
    log(f'{len(paths)} photos, {cores} DataLoader workers, model loaded in {load_s:.1f} s')
    done = 0
    t1 = time.perf_counter()
    with torch.inference_mode():
        for batch in loader:
            features = model.encode_image(batch)
            features = features / features.norm(dim=-1, keepdim=True)
            done += features.shape[0]
    seconds = time.perf_counter() - t1
    log(f'{done} photos in {seconds:.1f} s')
    print(json.dumps({'photos': done, 'seconds': round(seconds, 2), 'photos_per_s': round(done / seconds, 3), 'load_s': round(load_s, 2), 'workers': cores, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
