#!/usr/bin/env python3
"""PyTorch's side of bench/kprof.ts: time per operator over training steps of a canonical model
(batch 64, SGD with momentum, cross-entropy), from torch.profiler, so each layer of ours can be set
beside PyTorch's on the same machine.

    /usr/bin/python3 bench/torch/kprof.py [squeezenet|nin|nin-bn] [steps] [threads]
"""
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / 'scripts' / 'fixtures'), str(ROOT / 'scripts' / 'fashion')]
from train_models import nin, squeezenet  # noqa: E402
from torch_recipe import nin_bn  # noqa: E402


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else 'squeezenet'
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    model = {'squeezenet': squeezenet, 'nin': lambda: nin(False), 'nin-bn': nin_bn}[name]()
    g = torch.Generator().manual_seed(1)
    x = torch.rand(64, 1, 28, 28, generator=g)
    y = torch.randint(0, 10, (64,), generator=g)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        loss.item()

    for _ in range(3):
        step()
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(steps):
            step()
    rows = prof.key_averages(group_by_input_shape=True)
    total = sum(e.self_cpu_time_total for e in rows) / steps / 1000
    print(f'{name} train, torch {torch.__version__}, {torch.get_num_threads()} threads: {total:.1f} ms of self time per step')
    for e in sorted(rows, key=lambda e: -e.self_cpu_time_total)[:30]:
        shapes = ' '.join(str(s) for s in e.input_shapes[:2] if s)
        print(f'{e.self_cpu_time_total / steps / 1000:8.2f} ms {e.count / steps:5.1f}x {e.key} {shapes}')


if __name__ == '__main__':
    main()
