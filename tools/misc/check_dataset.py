"""Check the data of a config before training on it, and list every bad file at once.

    python tools/misc/check_dataset.py CONFIG [--mode auto|full|sample] [--sample N] [--splits train val]
                                              [--cfg-options k=v ...]

Decodes every image, parses every VOC XML, checks boxes against the image, label maps (single channel,
the image's size, values within the classes) and the heads' num_classes against the data's classes
(tricks_mm/datasets/checks.py). ``--mode auto`` checks every file of a dataset up to ``--max-full``
items and a fixed sample of ``--sample`` above. Exit status 1 when there are errors. ``tools/train.py``
runs the same check at its start (config key ``data_check``).
"""
import argparse
import sys

import tricks_mm  # noqa: F401
from tricks_mm.apis.cli import DictAction, load_config
from tricks_mm.datasets.checks import SPLITS, check_data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('--mode', choices=['auto', 'full', 'sample'], default='auto')
    parser.add_argument('--max-full', type=int, default=2000, help='auto: check all items up to this many')
    parser.add_argument('--sample', type=int, default=500, help='items checked per dataset when sampling')
    parser.add_argument('--splits', nargs='+', choices=SPLITS, default=list(SPLITS))
    parser.add_argument('--skip-bad-images', action='store_true',
                        help='report undecodable training images as warnings (as training with skip_bad_images)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    report = check_data(cfg, mode=args.mode, max_full=args.max_full, sample=args.sample, splits=args.splits,
                        skip_bad_images=args.skip_bad_images or bool(cfg.get('skip_bad_images', False)))
    print(f'{args.config}:')
    print(report.format(limit=10**9))
    if not report.problems:
        print('no problems found')
    sys.exit(1 if report.errors else 0)


if __name__ == '__main__':
    main()
