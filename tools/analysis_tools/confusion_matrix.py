"""Confusion matrix of a classifier (per image) or a segmentor (per pixel), as mmpretrain's and mmseg's
``tools/analysis_tools/confusion_matrix.py``.

    python tools/analysis_tools/confusion_matrix.py CONFIG CHECKPOINT --show-path cm.png [--include-values]
    python tools/analysis_tools/confusion_matrix.py CONFIG preds.pkl --show-path cm.png   # tools/test.py --out

With a checkpoint, the config's test set is predicted first (mmengine Runner, the checkpoint loaded
strictly); a ``.pkl`` written by ``tools/test.py --out`` is used as it is. Rows are the ground truth,
columns the prediction; the picture shows each row normalised to 100 %. The counts are printed as one
JSON line (``classes``, ``matrix``). Segmentation ignores pixels labelled ``--ignore-index`` (255).
"""
import argparse
import json
import os
import os.path as osp
import sys
import tempfile

import numpy as np
from mmengine.config import DictAction


def predict_to_pkl(args, out_pkl: str) -> None:
    """Run the test set through the checkpoint and dump every data sample (mmengine ``DumpResults``)."""
    from tricks_mm.apis.cli import build_runner, load_config
    from tricks_mm.checkpoint import check_checkpoint_fits
    cfg = load_config(args.config, args.cfg_options, 'none', args.work_dir or tempfile.mkdtemp())
    cfg.load_from = args.ckpt_or_result
    cfg.test_evaluator = dict(type='DumpResults', out_file_path=out_pkl)
    runner = build_runner(cfg)
    check_checkpoint_fits(runner.model, args.ckpt_or_result)
    runner.test()


def _tensor(x):
    import torch
    if isinstance(x, dict):  # a BaseDataElement dumped as a dict, e.g. {'data': tensor}
        x = x['data']
    return x.numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def confusion(samples, task: str, num_classes: int, ignore_index: int = 255) -> np.ndarray:
    """``matrix[gt, pred]`` counts: images for classification, pixels for segmentation."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    for sample in samples:
        if task == 'cls':
            gt = _tensor(sample['gt_label']).reshape(-1)[:1]
            pred = (_tensor(sample['pred_label']).reshape(-1)[:1] if 'pred_label' in sample
                    else _tensor(sample['pred_score']).argmax(keepdims=True))
        else:
            gt = _tensor(sample['gt_sem_seg']).reshape(-1)
            pred = _tensor(sample['pred_sem_seg']).reshape(-1)
            keep = gt != ignore_index
            gt, pred = gt[keep], pred[keep]
        if gt.size and (gt.max() >= num_classes or pred.max() >= num_classes):
            raise ValueError(f'label {max(gt.max(), pred.max())} outside the {num_classes} classes')
        matrix += np.bincount(gt.astype(np.int64) * num_classes + pred.astype(np.int64),
                              minlength=num_classes**2).reshape(num_classes, num_classes)
    return matrix


def plot(matrix: np.ndarray, classes, out: str, include_values: bool, title: str) -> None:
    from matplotlib.figure import Figure
    rows = matrix.sum(1, keepdims=True)
    percent = np.divide(matrix * 100.0, rows, out=np.zeros(matrix.shape), where=rows > 0)
    n = len(classes)
    fig = Figure(figsize=(max(4, 0.6 * n + 2), max(3.5, 0.6 * n + 1.5)), layout='constrained')
    ax = fig.add_subplot()
    im = ax.imshow(percent, cmap='viridis', vmin=0, vmax=100)
    fig.colorbar(im, ax=ax, label='% of the ground-truth row')
    ax.set_xticks(range(n), classes, rotation=45, ha='right')
    ax.set_yticks(range(n), classes)
    ax.set_xlabel('predicted')
    ax.set_ylabel('ground truth')
    ax.set_title(title)
    if include_values:
        for i in range(n):
            for j in range(n):
                ax.text(j, i, f'{percent[i, j]:.0f}', ha='center', va='center',
                        color='white' if percent[i, j] < 50 else 'black', fontsize='small')
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='test config file path')
    parser.add_argument('ckpt_or_result', help='checkpoint (.pth) or predictions of tools/test.py --out (.pkl)')
    parser.add_argument('--show-path', required=True, help='PNG to write')
    parser.add_argument('--include-values', action='store_true', help='write the percentages in the cells')
    parser.add_argument('--ignore-index', type=int, default=255, help='segmentation: unlabelled pixels')
    parser.add_argument('--work-dir', help='folder for the test run\'s logs (default: a temporary one)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    args = parser.parse_args(argv)
    import mmengine

    from tricks_mm.apis.dataset import build_dataset
    from tricks_mm.apis.inference import read_config, task_of
    if not osp.isfile(args.ckpt_or_result):
        sys.exit(f'error: {args.ckpt_or_result} does not exist')
    cfg = read_config(args.config, args.cfg_options)
    task = task_of(cfg)
    if task == 'det':
        sys.exit('error: confusion matrices are made for classification and segmentation configs; '
                 'for detection use mmdet\'s tools/analysis_tools/confusion_matrix.py on tools/test.py --out')
    classes = list(build_dataset(cfg, 'test').metainfo.get('classes') or [])
    if args.ckpt_or_result.endswith(('.pkl', '.pickle')):
        samples = mmengine.load(args.ckpt_or_result)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            predict_to_pkl(args, osp.join(tmp, 'preds.pkl'))
            samples = mmengine.load(osp.join(tmp, 'preds.pkl'))
    if not classes:
        sys.exit('error: the config\'s test dataset names no classes (metainfo.classes)')
    matrix = confusion(samples, task, len(classes), args.ignore_index)
    unit = 'images' if task == 'cls' else 'pixels'
    plot(matrix, classes, args.show_path, args.include_values,
         f'Confusion matrix ({int(matrix.sum())} {unit})')
    print(json.dumps(dict(task=task, classes=classes, matrix=matrix.tolist())))
    print(f'wrote {args.show_path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
