"""Convert a torchvision, timm or mmpretrain ResNet state dict into a tricks_mm checkpoint.

    python tools/model_converters/convert_resnet.py resnet50d.pth r50d_tricks.pth --source timm --depth 50 --variant D
    python tools/model_converters/convert_resnet.py resnet50.pth r50b_backbone.pth --source torchvision \
        --depth 50 --variant B --backbone-only
    python tools/model_converters/convert_resnet.py timm/resnet50d.gluon_in1k r50d_gluon.pth
    python tools/model_converters/convert_resnet.py torchvision://resnet50 r50b_tv.pth

The output is an mmpretrain ImageClassifier checkpoint (``backbone.*``, ``head.fc.*``) for ``load_from``
or a detection/segmentation ``init_cfg`` (prefix ``backbone.``), or with ``--backbone-only`` a bare
backbone state dict. A source that does not fit the chosen depth/variant is refused with its keys.
Reads ``.pth``/``.pt``/``.bin`` (torch, loaded with weights_only) and ``.safetensors``; a named weight
(``timm/<model>.<tag>``, ``torchvision://<model>``) is read from timm's / torch.hub's local cache and
implies --source, --depth and --variant (see tricks_mm/checkpoint/named_weights.py).
"""
import argparse
import sys

import torch

import tricks_mm
from tricks_mm.checkpoint import CheckpointMismatchError
from tricks_mm.checkpoint.named_weights import (NamedWeightsError, is_named_weights, read_state_dict,
                                                resolve_named_weights)
from tricks_mm.models.converters import CONVERTERS, convert_checkpoint


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', help='source state dict (.pth/.pt/.bin/.safetensors), or a named weight '
                        '(timm/<model>.<tag>, torchvision://<model>) from the local cache')
    parser.add_argument('dst', help='output checkpoint (.pth)')
    parser.add_argument('--source', choices=sorted(CONVERTERS), help='required for a file')
    parser.add_argument('--depth', type=int, choices=[18, 34, 50, 101, 152], help='required for a file')
    parser.add_argument('--variant', choices=['A', 'B', 'C', 'D'], help='required for a file')
    parser.add_argument('--backbone-only', action='store_true', help='write only the backbone weights')
    args = parser.parse_args(argv)
    src = args.src
    if is_named_weights(args.src):
        try:
            found = resolve_named_weights(args.src)
        except NamedWeightsError as e:
            print(f'error: {e}', file=sys.stderr)
            return 2
        given = dict(source=args.source, depth=args.depth, variant=args.variant)
        implied = dict(source=found.source, depth=found.depth, variant=found.variant)
        clash = {k: v for k, v in given.items() if v is not None and v != implied[k]}
        if clash:
            print(f'error: {args.src} is {implied}; remove or fix {clash}', file=sys.stderr)
            return 2
        args.source, args.depth, args.variant, src = found.source, found.depth, found.variant, found.path
    elif None in (args.source, args.depth, args.variant):
        parser.error('--source, --depth and --variant are required when SRC is a file')
    state = read_state_dict(src)
    try:
        out = convert_checkpoint(state, args.source, args.depth, args.variant, args.backbone_only)
    except CheckpointMismatchError as e:
        print(f'error: {src}: {e}', file=sys.stderr)
        return 2
    meta = dict(converted_from=args.src, file=src, source=args.source, depth=args.depth, variant=args.variant,
                tricks_mm_version=tricks_mm.__version__)
    torch.save({'state_dict': out, 'meta': meta}, args.dst)
    print(f'wrote {len(out)} tensors to {args.dst} ({args.source} -> ResNet-{args.depth}-{args.variant}'
          f'{", backbone only" if args.backbone_only else ""})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
