"""Convert a torchvision, timm or mmpretrain ResNet state dict into a tricks_mm checkpoint.

    python tools/model_converters/convert_resnet.py resnet50d.pth r50d_tricks.pth --source timm --depth 50 --variant D
    python tools/model_converters/convert_resnet.py resnet50.pth r50b_backbone.pth --source torchvision \
        --depth 50 --variant B --backbone-only

The output is an mmpretrain ImageClassifier checkpoint (``backbone.*``, ``head.fc.*``) for ``load_from``
or a detection/segmentation ``init_cfg`` (prefix ``backbone.``), or with ``--backbone-only`` a bare
backbone state dict. A source that does not fit the chosen depth/variant is refused with its keys.
Reads ``.pth``/``.pt``/``.bin`` (torch, loaded with weights_only) and ``.safetensors``.
"""
import argparse
import sys

import torch

import tricks_mm
from tricks_mm.checkpoint import CheckpointMismatchError, safe_torch_load
from tricks_mm.models.converters import CONVERTERS, convert_checkpoint


def read_state_dict(path):
    if path.endswith('.safetensors'):
        from safetensors.torch import load_file
        return load_file(path)
    return safe_torch_load(path, map_location='cpu')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', help='source state dict (.pth/.pt/.bin/.safetensors)')
    parser.add_argument('dst', help='output checkpoint (.pth)')
    parser.add_argument('--source', required=True, choices=sorted(CONVERTERS))
    parser.add_argument('--depth', type=int, required=True, choices=[18, 34, 50, 101, 152])
    parser.add_argument('--variant', required=True, choices=['A', 'B', 'C', 'D'])
    parser.add_argument('--backbone-only', action='store_true', help='write only the backbone weights')
    args = parser.parse_args(argv)
    state = read_state_dict(args.src)
    try:
        out = convert_checkpoint(state, args.source, args.depth, args.variant, args.backbone_only)
    except CheckpointMismatchError as e:
        print(f'error: {args.src}: {e}', file=sys.stderr)
        return 2
    meta = dict(converted_from=args.src, source=args.source, depth=args.depth, variant=args.variant,
                tricks_mm_version=tricks_mm.__version__)
    torch.save({'state_dict': out, 'meta': meta}, args.dst)
    print(f'wrote {len(out)} tensors to {args.dst} ({args.source} -> ResNet-{args.depth}-{args.variant}'
          f'{", backbone only" if args.backbone_only else ""})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
