"""Training-step speed of our ResNet-50-D against mmpretrain's ResNetV1d and timm's resnet50d.

    python benchmarks/backbone_speed.py [--batch 32] [--size 128] [--rounds 7] [--threads 2]

Each model is an ImageClassifier-like net (backbone, global pool, 1000-way FC) trained with SGD on a
random batch; a step = forward + cross-entropy + backward + optimizer step. Models run interleaved
(one step each per round) so that machine noise hits all alike; the median over rounds is reported,
with the ratio ours / reference (target <= 1.03) and our D / A step-time ratio (paper: D ~3% slower).
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, backbone, channels=2048, num_classes=1000, returns_tuple=True):
        super().__init__()
        self.backbone, self.returns_tuple = backbone, returns_tuple
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x):
        feat = self.backbone(x)
        feat = feat[-1] if self.returns_tuple else feat
        return self.fc(feat.mean((2, 3)))


def build_models():
    from tricks_mm.models.backbones.resnet import TricksResNet
    models = {
        'tricks_mm R50-D': Classifier(TricksResNet(depth=50, variant='D')),
        'tricks_mm R50-A': Classifier(TricksResNet(depth=50, variant='A')),
    }
    try:
        from mmpretrain.models.backbones import ResNetV1d
        models['mmpretrain ResNetV1d-50'] = Classifier(ResNetV1d(depth=50))
    except ImportError as e:
        print(f'(mmpretrain not importable, skipped: {e})')
    try:
        import timm
        models['timm resnet50d'] = Classifier(timm.create_model('resnet50d', num_classes=0, global_pool=''),
                                              returns_tuple=False)
    except ImportError as e:
        print(f'(timm not importable, skipped: {e})')
    return models


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--batch', type=int, default=32)
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--rounds', type=int, default=7)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--bf16', action='store_true', help='bf16 autocast + channels_last')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    models = build_models()
    x = torch.randn(args.batch, 3, args.size, args.size)
    y = torch.randint(0, 1000, (args.batch, ))
    fmt = torch.channels_last if args.bf16 else torch.contiguous_format
    x = x.contiguous(memory_format=fmt)
    opts = {}
    for name, m in models.items():
        m.train().to(memory_format=fmt)
        opts[name] = torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)

    def step(name):
        m, opt = models[name], opts[name]
        t = time.perf_counter()
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=args.bf16):
            loss = nn.functional.cross_entropy(m(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return time.perf_counter() - t

    times = {n: [] for n in models}
    for r in range(args.warmup + args.rounds):
        for name in models:
            dt = step(name)
            if r >= args.warmup:
                times[name].append(dt)
    med = {n: statistics.median(v) for n, v in times.items()}
    print(f'batch {args.batch}, {args.size}x{args.size}, {args.threads} threads, '
          f'{"bf16+channels_last" if args.bf16 else "fp32"}, median of {args.rounds} interleaved rounds')
    for n, t in med.items():
        print(f'  {n:26s} {t * 1000:8.1f} ms/step  {args.batch / t:6.1f} img/s')
    ours = med['tricks_mm R50-D']
    for ref in ('mmpretrain ResNetV1d-50', 'timm resnet50d'):
        if ref in med:
            print(f'  ratio ours/{ref}: {ours / med[ref]:.3f}  (target <= 1.03)')
    print(f'  ratio ours D/A: {ours / med["tricks_mm R50-A"]:.3f}  (paper: ~1.03)')


if __name__ == '__main__':
    main()
