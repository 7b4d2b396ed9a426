"""Run a table of experiments (classifier rows, then the detection/segmentation rows they initialise),
resumably, and print the paper-style table.

    python tools/reproduce.py configs/reproduce/demo_synthetic.py
    python tools/reproduce.py SPEC --seeds 0 1 2 --work-root work_dirs/t8 --rows cls_d det_d

Finished rows are skipped; an interrupted row resumes from its last checkpoint. Each run writes
<work_root>/<row>/seed<k>/result.json; <work_root>/results.json gathers them. A row folder is locked
while it runs (a second runner is refused with the holder's pid), and the training/test children die
with the runner (Ctrl-C, SIGTERM, kill -9).
"""
import argparse
import os.path as osp
import sys

from tricks_mm.reproduce.runner import Runner, SpecError, load_spec
from tricks_mm.reproduce.tables import write_report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('spec', help='table spec (a config file with `rows`)')
    parser.add_argument('--work-root', help='folder for every row (default: the spec\'s work_root)')
    parser.add_argument('--seeds', type=int, nargs='+', help='seeds to run (default: the spec\'s seeds)')
    parser.add_argument('--rows', nargs='+', help='run only these rows (their classifier rows must be done)')
    parser.add_argument('--no-table', action='store_true', help='do not print the table at the end')
    args = parser.parse_args(argv)
    try:
        spec = load_spec(args.spec, args.work_root, args.seeds)
    except SpecError as e:
        sys.exit(f'error: {e}')
    runner = Runner(spec)
    try:
        runner.run(only=args.rows)
    except RuntimeError as e:  # includes a row folder locked by another runner or training
        sys.exit(f'error: {e}')
    except KeyboardInterrupt as e:  # Ctrl-C, SIGTERM, SIGHUP: the children were stopped with us
        sys.stderr.write(f'interrupted: {e or "Ctrl-C"}\n')
        sys.exit(130)
    print(f'results: {osp.join(spec["work_root"], "results.json")}')
    if not args.no_table:
        sys.stdout.write(write_report(osp.join(spec['work_root'], 'results.json'))['markdown'])


if __name__ == '__main__':
    main()
