"""FLOPs and parameters of a config's model (mmengine's counter: 1 multiply-accumulate = 1 FLOP).

    python tools/analysis/get_flops.py configs/imagenet/resnet50-d_8xb128-efficient-cos-120e_in1k.py --shape 224 224

Classifiers are counted whole (backbone, pooling, FC: the paper's Table 5 convention); detectors and
segmentors by their backbone only (``--backbone-only`` forces that for classifiers too).
"""
import argparse

from mmengine.config import Config, DictAction
from mmengine.registry import MODELS, init_default_scope

import tricks_mm  # noqa: F401
from tricks_mm.utils.complexity import count_complexity



def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--shape', type=int, nargs='+', default=[224, 224], help='input height width')
    parser.add_argument('--backbone-only', action='store_true')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    model = MODELS.build(cfg.model)
    shape = (3, ) + tuple(args.shape if len(args.shape) == 2 else args.shape * 2)
    is_classifier = cfg.get('default_scope') == 'mmpretrain'
    target = model if is_classifier and not args.backbone_only else model.backbone
    flops, params = count_complexity(target, shape)
    what = 'classifier' if target is model else 'backbone'
    print(f'{args.config}\n  input {shape}, {what}: FLOPs {flops / 1e9:.2f} G, params {params / 1e6:.2f} M')


if __name__ == '__main__':
    main()
