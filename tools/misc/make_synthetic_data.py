"""Write the project's synthetic data sets (deterministic, nothing downloaded).

    python tools/misc/make_synthetic_data.py data/synthetic            # all three
    python tools/misc/make_synthetic_data.py data/synthetic --task det --seed 1

Layouts: <out>/imagenet/{train,val}/<class>/, <out>/VOCdevkit/VOC{2007,2012}/, <out>/ADEChallengeData2016/.
"""
import argparse
import os.path as osp

from tricks_mm.datasets.synthetic import make_ade20k, make_classification_set, make_voc_devkit


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out', help='output folder')
    parser.add_argument('--task', choices=['all', 'cls', 'det', 'seg'], default='all')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--scale', type=int, default=1, help='multiply the number of images')
    args = parser.parse_args()
    s = args.scale
    if args.task in ('all', 'cls'):
        make_classification_set(osp.join(args.out, 'imagenet'), num_per_class={'train': 16 * s, 'val': 8 * s},
                                seed=args.seed)
    if args.task in ('all', 'det'):
        make_voc_devkit(args.out, splits={('2007', 'trainval'): 24 * s, ('2007', 'test'): 12 * s,
                                          ('2012', 'trainval'): 24 * s}, seed=args.seed)
    if args.task in ('all', 'seg'):
        make_ade20k(args.out, splits={'training': 16 * s, 'validation': 8 * s}, seed=args.seed)
    print(f'synthetic data ({args.task}) written to {args.out}')


if __name__ == '__main__':
    main()
