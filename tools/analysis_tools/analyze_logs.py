"""Curves and training time from a run's logged scalars (mmdet's / mmpretrain's ``analyze_logs.py``).

    python tools/analysis_tools/analyze_logs.py plot_curve WORK_DIR [WORK_DIR ...] --keys loss lr --out curves.png
    python tools/analysis_tools/analyze_logs.py cal_train_time WORK_DIR [WORK_DIR ...]

A log is a work dir (every session under it), a session's ``vis_data`` folder, a ``scalars.json`` /
``<timestamp>.json`` file (``LocalVisBackend``) or a TensorBoard event file (``TensorboardVisBackend``).
``plot_curve`` draws one subplot per key (x: the logged step, the iteration for training scalars and the
epoch or iteration for validation metrics), one line per log, into a PNG; ``cal_train_time`` prints the
mean, fastest and slowest iteration time from the ``time`` scalar.
"""
import argparse
import os
import os.path as osp
import sys

import numpy as np


def load(logs):
    from tricks_mm.reproduce.scalars import read_scalars
    out = []
    for log in logs:
        if not osp.exists(log):
            sys.exit(f'error: log {log} does not exist')
        scalars = read_scalars(log)
        if not scalars:
            sys.exit(f'error: {log} holds no scalars (no vis_data/scalars.json or TensorBoard events found)')
        out.append(scalars)
    return out


def plot_curve(args) -> int:
    from matplotlib.figure import Figure
    runs = load(args.logs)
    legend = args.legend or [osp.basename(osp.normpath(log)) for log in args.logs]
    if len(legend) != len(args.logs):
        sys.exit(f'error: --legend needs {len(args.logs)} labels, got {len(legend)}')
    fig = Figure(figsize=(5.5 * len(args.keys), 4), layout='constrained')
    for i, key in enumerate(args.keys):
        ax = fig.add_subplot(1, len(args.keys), i + 1)
        for scalars, label, log in zip(runs, legend, args.logs):
            series = scalars.get(key) or scalars.get(f'val/{key}') or scalars.get(f'train/{key}')
            if not series:
                sys.exit(f'error: {log} has no scalar {key!r}; it has {sorted(scalars)}')
            steps = sorted(series)
            ax.plot(steps, [series[s] for s in steps], label=label, marker='.' if len(steps) < 50 else None)
            print(f'{label}: {key}: {len(steps)} points, steps {steps[0]}..{steps[-1]}, '
                  f'first {series[steps[0]]:.6g}, last {series[steps[-1]]:.6g}')
        ax.set_xlabel('step')
        ax.set_title(key)
        ax.grid(alpha=0.3)
        ax.legend(fontsize='small')
    if args.title:
        fig.suptitle(args.title)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f'wrote {args.out}')
    return 0


def cal_train_time(args) -> int:
    for log, scalars in zip(args.logs, load(args.logs)):
        times = scalars.get('time') or scalars.get('train/time')
        if not times:
            sys.exit(f'error: {log} has no `time` scalar (mmengine IterTimerHook)')
        train_steps = set(scalars.get('lr') or scalars.get('loss') or times)  # not validation's time
        values = np.asarray([times[s] for s in sorted(times) if s in train_steps])
        if not args.include_outliers and len(values) > 1:
            values = values[1:]  # the first iteration includes start-up
        slowest, fastest = int(np.argmax(values)), int(np.argmin(values))
        print(f'-----Analyze train time of {log}-----')
        print(f'average iter time: {values.mean():.4f} s/iter over {len(values)} logged iterations')
        print(f'slowest: {values[slowest]:.4f} s, fastest: {values[fastest]:.4f} s, std: {values.std():.4f}')
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='task', required=True)
    plot = sub.add_parser('plot_curve', help='plot scalars (loss, lr, time, metrics) into a PNG')
    plot.add_argument('logs', nargs='+', help='work dirs, vis_data folders, scalars.json or event files')
    plot.add_argument('--keys', nargs='+', default=['loss'], help='scalars to plot, e.g. loss lr accuracy/top1')
    plot.add_argument('--title', help='figure title')
    plot.add_argument('--legend', nargs='+', help='one label per log')
    plot.add_argument('--out', required=True, help='PNG to write')
    plot.set_defaults(func=plot_curve)
    timing = sub.add_parser('cal_train_time', help='iteration time statistics')
    timing.add_argument('logs', nargs='+')
    timing.add_argument('--include-outliers', action='store_true', help='keep the first iteration')
    timing.set_defaults(func=cal_train_time)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == '__main__':
    sys.exit(main())
