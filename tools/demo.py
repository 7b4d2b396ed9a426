"""The README's main command (`make demo`): the paper's chain, classifier -> Faster R-CNN and FCN, end to end.

Without DATA_ROOT: writes the project's synthetic data to data/demo_synthetic and runs
configs/reproduce/demo_synthetic.py (two classifiers, each transferred to detection and segmentation;
minutes on a CPU). With DATA_ROOT pointing at real data (a folder holding imagenette/, bccd/, camvid-ade/,
e.g. ../shared/data) it runs the small-scale real-data protocol configs/reproduce/small_real.py
(docs/small_scale_reproduction.md: many CPU-hours on 2 cores, resumable).
Ends by printing the paper-style table and the paths of the plots. Rerunning skips finished rows.
"""
import argparse
import os
import os.path as osp
import sys
import time

from tricks_mm.reproduce.plots import make_plots
from tricks_mm.reproduce.runner import REPO, Runner, SpecError, load_spec
from tricks_mm.reproduce.report import write_report

SYNTHETIC_ROOT = osp.join(REPO, 'data', 'demo_synthetic')
REAL_FOLDERS = ('imagenette', 'bccd', 'camvid-ade')  # what configs/reproduce/small_real.py reads


def make_demo_data(root: str) -> None:
    """The synthetic sets at demo size (deterministic; written once, marked by a stamp file)."""
    from tricks_mm.datasets.synthetic import make_ade20k, make_classification_set, make_voc_devkit
    stamp = osp.join(root, '.complete')
    if osp.isfile(stamp):
        return
    make_classification_set(osp.join(root, 'imagenet'), num_per_class={'train': 600, 'val': 100})
    make_voc_devkit(root, splits={('2007', 'trainval'): 120, ('2007', 'test'): 60, ('2012', 'trainval'): 120})
    make_ade20k(root, splits={'training': 96, 'validation': 32})
    with open(stamp, 'w') as f:
        f.write('tools/demo.py\n')


def choose_spec(data_root):
    if not data_root:
        return osp.join(REPO, 'configs/reproduce/demo_synthetic.py'), None
    missing = [d for d in REAL_FOLDERS if not osp.isdir(osp.join(data_root, d))]
    if missing:
        sys.exit(f'error: DATA_ROOT={data_root} lacks {missing}; the real-data protocol needs '
                 f'{list(REAL_FOLDERS)} (see ../shared/data/README.md), or unset DATA_ROOT for the synthetic demo')
    return osp.join(REPO, 'configs/reproduce/small_real.py'), osp.abspath(data_root)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--spec', help='run this spec instead of the default one')
    parser.add_argument('--work-root', help='override the spec\'s work_root')
    parser.add_argument('--seeds', type=int, nargs='+')
    args = parser.parse_args(argv)
    start = time.time()
    spec_path, data_root = choose_spec(os.environ.get('DATA_ROOT'))
    spec_path = args.spec or spec_path
    try:
        spec = load_spec(spec_path, args.work_root, args.seeds)
    except SpecError as e:
        sys.exit(f'error: {e}')
    if data_root:
        spec.env['DATA_ROOT'] = data_root
    else:
        root = spec.env.setdefault('DATA_ROOT', SYNTHETIC_ROOT)
        spec.env['DATA_ROOT'] = root if osp.isabs(root) else osp.join(REPO, root)
        make_demo_data(spec.env['DATA_ROOT'])
    try:
        Runner(spec).run()
    except RuntimeError as e:
        sys.exit(f'error: {e}')
    results = osp.join(spec.work_root, 'results.json')
    report = write_report(results)
    sys.stdout.write(report['markdown'])
    print(f"\nWrote {report['md_path']} and {report['csv_path']}")
    for name, path in make_plots(results).items():
        print(f'{name}: {path}')
    print(f'demo wall time: {time.time() - start:.0f} s ({spec_path})')


if __name__ == '__main__':
    main()
