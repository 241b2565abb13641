#!/usr/bin/env python3
"""PyTorch reference for Fashion-MNIST: nin-bn (or squeezenet) trained with the main job's recipe (docs/recipe.md, R1).

Same model, initialisation, loss, optimiser (SGD, Nesterov momentum 0.9, weight decay 5e-4 on
every parameter unless --weight-decay says otherwise), batch 64 with the partial last batch kept,
per-batch schedule (one epoch of linear warm-up to lr 0.1, then cosine to 0) and evaluation after every epoch, on Fashion-MNIST's 60,000 /
10,000 images read from the four IDX .gz files (Debian's dataset-fashion-mnist by default) and
normalised with the training set's mean 0.2860 and std 0.3530 (docs/datasets.md). The optional
augmentation list is tapegrad's --augment: `flip` (random horizontal flip, p 0.5) and `cropN`
(pad N pixels of background on every side, crop 28 x 28 at a random offset), applied in the order
given. Prints one line per epoch with the test accuracy and the seconds it took.

`--model squeezenet` trains docs/benchmark.md's Fire-module model with PyTorch's default
initialisation (tapegrad's too); `--optimizer adamw` takes AdamW (betas 0.9 / 0.999, eps 1e-8,
decoupled weight decay 1e-2 on every parameter, peak lr 3e-3: tapegrad's --optimizer adamw) in
place of SGD, on the same schedule.

    /usr/bin/python3 scripts/fashion/torch_recipe.py --epochs 15 --seed 0 [--augment flip,crop4] [--dropout 0.5] [--weight-decay 5e-4]
    /usr/bin/python3 scripts/fashion/torch_recipe.py --epochs 15 --seed 0 --model squeezenet --optimizer adamw
    /usr/bin/python3 scripts/fashion/torch_recipe.py --epochs 1 --subset 2000     (a quick check)

Needs PyTorch (tested with 1.13) and numpy; nothing is downloaded.
"""
import argparse
import gzip
import math
import os
import re
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures'))
from train_models import squeezenet  # noqa: E402  (docs/benchmark.md's models, as the fixtures build them)

MEAN, STD = 0.2860, 0.3530
CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']


def read_idx(path):
    """An IDX file (plain or .gz) as a numpy array: big-endian header 0 0 type rank, rank sizes, data."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        sys.exit(f'torch_recipe.py: {path} is not an IDX file of bytes (magic {raw[:4].hex()}); expected 0x00 0x00 0x08 <rank>')
    rank = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(rank))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def find(folder, stem):
    for name in (f'{stem}.gz', stem):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    sys.exit(f"torch_recipe.py: {folder} has no {stem}(.gz); expected the four Fashion-MNIST IDX files "
             "('sudo apt-get install dataset-fashion-mnist', or the .gz files of github.com/zalandoresearch/fashion-mnist)")


def load_split(folder, split):
    images = read_idx(find(folder, f'{split}-images-idx3-ubyte'))
    labels = read_idx(find(folder, f'{split}-labels-idx1-ubyte'))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).sub_(MEAN).div_(STD).unsqueeze(1)
    return x, torch.from_numpy(labels.astype(np.int64))


def even_subset(x, y, n):
    """n samples spread evenly over the set (tapegrad's evenSubset: every floor(i * len / n)-th)."""
    if n is None or n >= len(y):
        return x, y
    idx = torch.tensor([(i * len(y)) // n for i in range(n)])
    return x[idx], y[idx]


def conv_bn(c_in, c_out, k, p):
    return [nn.Conv2d(c_in, c_out, k, padding=p), nn.BatchNorm2d(c_out), nn.ReLU()]


def nin_bn(p=0.5):
    """docs/recipe.md's nin-bn: one flat Sequential, 155,294 parameters; p: its Dropout layers' probability."""
    layers = [
        *conv_bn(1, 32, 5, 2), *conv_bn(32, 32, 1, 0), *conv_bn(32, 32, 1, 0),
        nn.MaxPool2d(3, stride=2, ceil_mode=True), nn.Dropout(p),
        *conv_bn(32, 64, 5, 2), *conv_bn(64, 64, 1, 0), *conv_bn(64, 64, 1, 0),
        nn.AvgPool2d(3, stride=2, ceil_mode=True), nn.Dropout(p),
        *conv_bn(64, 128, 3, 1), *conv_bn(128, 128, 1, 0), *conv_bn(128, 10, 1, 0),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    ]
    model = nn.Sequential(*layers)
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            fan_in = m.in_channels * m.kernel_size[0] * m.kernel_size[1]
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / fan_in))
            nn.init.zeros_(m.bias)
    return model


MODELS = {'nin-bn': nin_bn, 'squeezenet': squeezenet}
DEFAULT_LR = {'sgd': 0.1, 'adamw': 3e-3}
DEFAULT_WD = {'sgd': 5e-4, 'adamw': 1e-2}


def parse_augment(spec):
    items = []
    for item in [] if spec in ('', 'none') else spec.split(','):
        item = item.strip()
        m = re.fullmatch(r'crop(\d+)', item)
        if item == 'flip':
            items.append(('flip', 0))
        elif m and int(m.group(1)) >= 1:
            items.append(('crop', int(m.group(1))))
        else:
            sys.exit(f"torch_recipe.py: --augment item '{item}' is not an augmentation; expected flip, cropN (N >= 1) or none")
    return items


def augment(x, items, g):
    """The batch `x` (B, 1, 28, 28) with the augmentations applied in order (a new tensor)."""
    background = (0.0 - MEAN) / STD
    for kind, n in items:
        if kind == 'flip':
            flip = torch.rand(x.shape[0], generator=g) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(3), x)
        else:
            padded = F.pad(x, (n, n, n, n), value=background)
            offsets = torch.randint(0, 2 * n + 1, (x.shape[0], 2), generator=g)
            x = torch.stack([padded[i, :, t:t + x.shape[2], l:l + x.shape[3]] for i, (t, l) in enumerate(offsets.tolist())])
    return x


def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(y), batch):
            correct += (model(x[s:s + batch]).argmax(1) == y[s:s + batch]).sum().item()
    return correct / len(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist', help='folder of the four IDX files')
    ap.add_argument('--epochs', type=int, default=15)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--augment', default='none', help='e.g. flip,crop4 (applied in this order)')
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--model', default='nin-bn', choices=sorted(MODELS))
    ap.add_argument('--optimizer', default='sgd', choices=sorted(DEFAULT_LR))
    ap.add_argument('--lr', type=float, default=None, help='peak learning rate (default: sgd 0.1, adamw 3e-3)')
    ap.add_argument('--weight-decay', type=float, default=None, help="weight decay (tapegrad's --weight-decay; default: sgd 5e-4, adamw 1e-2)")
    ap.add_argument('--dropout', type=float, default=0.5, help="probability of the model's Dropout layers (tapegrad's --dropout)")
    ap.add_argument('--subset', type=int, default=None, help='use only N training and N test images (spread over the set)')
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    items = parse_augment(a.augment)
    a.lr = DEFAULT_LR[a.optimizer] if a.lr is None else a.lr
    a.weight_decay = DEFAULT_WD[a.optimizer] if a.weight_decay is None else a.weight_decay
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)  # initialisation and dropout
    g = torch.Generator().manual_seed(a.seed + 1)  # shuffling and augmentation
    x_train, y_train = even_subset(*load_split(a.data, 'train'), a.subset)
    x_test, y_test = even_subset(*load_split(a.data, 't10k'), a.subset)
    if not (a.weight_decay >= 0 and math.isfinite(a.weight_decay)):
        sys.exit(f'torch_recipe.py: --weight-decay {a.weight_decay} is not a finite number >= 0; expected e.g. 5e-4')
    if not 0 <= a.dropout < 1:
        sys.exit(f'torch_recipe.py: --dropout {a.dropout} is not a probability below 1; expected a number in [0, 1)')
    model = MODELS[a.model](a.dropout)
    steps = math.ceil(len(y_train) / a.batch_size)
    total = a.epochs * steps
    if a.optimizer == 'sgd':
        opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=0.9, nesterov=True, weight_decay=a.weight_decay)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)

    def factor(t):  # docs/recipe.md's per-step schedule, relative to the peak lr
        if t < steps:
            return (t + 1) / steps
        return 0.5 * (1 + math.cos(math.pi * (t - steps) / max(1, total - steps)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, factor)
    n_params = sum(p.numel() for p in model.parameters())
    print(f'torch {torch.__version__}: {a.model} ({n_params:,} parameters) on Fashion-MNIST in {a.data}: {len(y_train)} train / '
          f'{len(y_test)} test images, {a.epochs} epochs, seed {a.seed}, {a.optimizer} lr {a.lr}, augment {a.augment}, '
          f'dropout {a.dropout}, weight decay {a.weight_decay}, {torch.get_num_threads()} threads', flush=True)
    acc = float('nan')
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(len(y_train), generator=g)
        loss_sum, correct = 0.0, 0
        for s in range(0, len(y_train), a.batch_size):
            idx = order[s:s + a.batch_size]
            x, y = augment(x_train[idx], items, g), y_train[idx]
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
        train_seconds = time.perf_counter() - t0
        acc = evaluate(model, x_test, y_test)
        seconds = time.perf_counter() - t0
        print(f'epoch {epoch}/{a.epochs}  loss {loss_sum / len(y_train):.4f}  acc {100 * correct / len(y_train):.2f}%  '
              f'test_acc {100 * acc:.2f}%  {seconds:.1f}s ({train_seconds:.1f}s training)', flush=True)
    print(f'test accuracy: {100 * acc:.2f}% after epoch {a.epochs}')


if __name__ == '__main__':
    main()
