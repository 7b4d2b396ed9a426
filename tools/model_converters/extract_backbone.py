"""Publish a backbone-only checkpoint from a classifier (or any mmengine) checkpoint.

    python tools/model_converters/extract_backbone.py work_dirs/cls/epoch_120.pth r50d_backbone.pth

Keeps the keys under ``--prefix`` (default ``backbone.``) with the prefix removed, drops optimizer
and message-hub state. Load it with ``init_cfg=dict(type='Pretrained', checkpoint=..., prefix=None)``.
"""
import argparse
import sys

import torch

import tricks_mm  # noqa: F401
from tricks_mm.checkpoint import CheckpointMismatchError, extract_state_dict, safe_torch_load


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src', help='classifier checkpoint')
    parser.add_argument('dst', help='output backbone checkpoint')
    parser.add_argument('--prefix', default='backbone.', help='prefix of the backbone keys')
    args = parser.parse_args(argv)
    ckpt = safe_torch_load(args.src, map_location='cpu')
    try:
        state = extract_state_dict(ckpt, args.prefix)
    except CheckpointMismatchError as e:
        print(f'error: {args.src}: {e}', file=sys.stderr)
        return 2
    meta = dict(ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}, extracted_from=args.src,
                prefix=args.prefix)
    meta.pop('message_hub', None)
    torch.save({'state_dict': state, 'meta': {k: v for k, v in meta.items() if k != 'cfg'}}, args.dst)
    print(f'wrote {len(state)} backbone tensors to {args.dst}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
