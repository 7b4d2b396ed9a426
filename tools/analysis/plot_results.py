"""Figures of a reproduction (He et al., CVPR 2019): Fig. 3(a) LR schedules (Section 5.1), validation
curves, and backbone top-1 vs VOC mAP / ADE20K mIoU (Section 6, Tables 8/9).

    python tools/analysis/plot_results.py work_dirs/demo/results.json [--out-dir DIR]

Writes ``lr_schedules.png``, ``val_curves.png`` and ``transfer.png`` (default: next to the results file)
and prints their paths; a figure without data is skipped with the reason printed.
See :mod:`tricks_mm.reproduce.plots`.
"""
import argparse

from tricks_mm.reproduce.plots import LR_CONFIGS, make_plots


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('results', help='results.json written by tools/reproduce.py')
    parser.add_argument('--out-dir', help='where to write the PNGs (default: the results file directory)')
    parser.add_argument('--paper', help='published numbers as JSON in the layout of '
                        'tricks_mm.reproduce.metafile.paper_numbers() (default: read from configs/*/metafile.yml)')
    parser.add_argument('--step-config', default=LR_CONFIGS['step decay'], help='Fig. 3a step-decay config')
    parser.add_argument('--cosine-config', default=LR_CONFIGS['cosine decay'], help='Fig. 3a cosine config')
    parser.add_argument('--iters-per-epoch', type=int, default=10,
                        help='resolution of the LR curves (their shape in epochs does not depend on it)')
    args = parser.parse_args(argv)
    written = make_plots(args.results, args.out_dir, args.paper,
                         {'step decay': args.step_config, 'cosine decay': args.cosine_config},
                         args.iters_per_epoch)
    for name, path in written.items():
        print(f'{name}: {path}')


if __name__ == '__main__':
    main()
