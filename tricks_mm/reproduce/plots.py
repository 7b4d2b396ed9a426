"""Figures of a reproduction (He et al., "Bag of Tricks", CVPR 2019), as PNG files (matplotlib, Agg).

* ``lr_schedules.png``: Figure 3(a) (Section 5.1), learning rate vs epoch for step decay and cosine decay,
  both after a 5-epoch linear warmup from 0. The curves come from the real configs: their
  ``param_scheduler`` entries are built with mmengine's ``PARAM_SCHEDULERS`` (as the Runner does) and
  stepped by mmengine's ``ParamSchedulerHook`` iteration by iteration.
* ``val_curves.png``: validation metric vs step of every run with readable scalars (``vis_data/scalars.json``
  or TensorBoard events),
  one subplot per task.
* ``transfer.png``: ImageNet top-1 of each classifier row vs the VOC mAP and ADE20K mIoU of the rows
  initialised from it (Section 6, Tables 8/9), ours and, where known, the paper's.

Every ``plot_*`` function returns the path written, or raises :class:`NoData` with the reason to skip.
"""
import copy
import os
import os.path as osp
from types import SimpleNamespace
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# scalars from whichever backend wrote them: LocalVisBackend's scalars.json or TensorBoard event files
from .scalars import read_scalar_lines, read_scalars, scalars_files  # noqa: F401
from ..utils.paths import package_root
from .records import Results
from .tables import METRICS, load_json, load_paper, transfer_lines

REPO_ROOT = package_root()  # the checkout, or tricks_mm/.mim of an installed wheel (kept: an alias)
# Figure 3(a): ResNet-50-D "Efficient" (warmup + step decay at 30/60/90) and "+ cosine decay" (Table 6).
LR_CONFIGS = {
    'step decay': 'configs/imagenet/resnet50-d_8xb128-efficient-120e_in1k.py',
    'cosine decay': 'configs/imagenet/resnet50-d_8xb128-efficient-cos-120e_in1k.py',
}
TASK_TITLES = {'cls': 'Classification: top-1 (%)', 'det': 'Detection: VOC mAP (%)', 'seg': 'Segmentation: mIoU (%)'}
VAL_METRICS = {'cls': METRICS['top1'], 'det': METRICS['voc_mAP'], 'seg': METRICS['ade_mIoU']}


class NoData(Exception):
    """Nothing to draw: the message says why the plot was skipped."""


def _save(fig: Figure, path: str) -> str:
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=120)  # a Figure made without pyplot renders with Agg: no GUI backend involved
    return path


# ----------------------------------------------------------------------------- Figure 3(a)
class LRCurve(NamedTuple):
    """``lr[i]`` is the learning rate used by training iteration ``i``; ``epoch = i / iters_per_epoch``."""
    epoch: np.ndarray
    lr: np.ndarray


def _resolve_config(path: str) -> str:
    if osp.isabs(path) or osp.exists(path):
        return path
    return osp.join(REPO_ROOT, path)


def _build_schedulers(cfg, epoch_length: int):
    """As ``Runner.build_optim_wrapper`` + ``Runner._build_param_scheduler``: an optimizer of the config's
    type and lr on a one-element parameter, then each ``param_scheduler`` entry built through
    ``PARAM_SCHEDULERS`` with ``epoch_length`` (used by ``convert_to_iter_based``) and the Runner's default
    ``end`` (``max_epochs`` for epoch-based entries)."""
    import torch
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import PARAM_SCHEDULERS

    optimizer = copy.deepcopy(dict(cfg.optim_wrapper.optimizer))
    # the wrapper type only decides precision (AmpOptimWrapper needs CUDA); the lr path is the same.
    optim_wrapper = build_optim_wrapper(torch.nn.Linear(1, 1, bias=False),
                                        dict(type='OptimWrapper', optimizer=optimizer))
    max_epochs = cfg.train_cfg.max_epochs
    entries = cfg.param_scheduler if isinstance(cfg.param_scheduler, (list, tuple)) else [cfg.param_scheduler]
    schedulers = []
    for entry in entries:
        entry = copy.deepcopy(dict(entry))
        entry.setdefault('end', max_epochs if entry.get('by_epoch', True) else max_epochs * epoch_length)
        schedulers.append(PARAM_SCHEDULERS.build(
            entry, default_args=dict(optimizer=optim_wrapper, epoch_length=epoch_length)))
    return optim_wrapper, schedulers, max_epochs


def lr_curve(config_path: str, iters_per_epoch: int = 10) -> LRCurve:
    """The learning rate of every training iteration of an epoch-based config (Section 5.1, Fig. 3a).

    The schedulers step as in ``EpochBasedTrainLoop``: ``ParamSchedulerHook.after_train_iter`` after
    each iteration (iteration-based and ``convert_to_iter_based`` schedulers) and ``after_train_epoch``
    after each epoch (epoch-based ones, e.g. ``MultiStepLR``). ``iters_per_epoch`` only sets the
    resolution: the shape in epochs does not depend on it.
    """
    from mmengine.config import Config
    from mmengine.hooks import ParamSchedulerHook
    from mmengine.registry import DefaultScope

    import tricks_mm  # noqa: F401
    from tricks_mm.utils.setup_env import register_all_modules

    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(_resolve_config(config_path))
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'mmpretrain')):
        optim_wrapper, schedulers, max_epochs = _build_schedulers(cfg, iters_per_epoch)
    hook, runner = ParamSchedulerHook(), SimpleNamespace(param_schedulers=schedulers)
    lrs = []
    for _ in range(max_epochs):
        for batch_idx in range(iters_per_epoch):
            lrs.append(optim_wrapper.get_lr()['lr'][0])
            optim_wrapper.step()  # no gradients (a no-op update), as the Runner: optimizer step, then schedulers
            hook.after_train_iter(runner, batch_idx)
        hook.after_train_epoch(runner)
    return LRCurve(np.arange(len(lrs)) / iters_per_epoch, np.asarray(lrs, dtype=float))


def lr_curves(config_paths, iters_per_epoch: int = 10) -> Dict[str, LRCurve]:
    """:func:`lr_curve` of several configs: a list of paths, or ``{legend label: path}``."""
    items = config_paths.items() if isinstance(config_paths, dict) else ((p, p) for p in config_paths)
    return {label: lr_curve(path, iters_per_epoch) for label, path in items}


def plot_lr_schedules(out_path: str, config_paths: Optional[dict] = None, iters_per_epoch: int = 10) -> str:
    """Figure 3(a): step decay vs cosine decay, each with its 5-epoch warmup, from the configs."""
    curves = lr_curves(config_paths or LR_CONFIGS, iters_per_epoch)
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    for (label, curve), style in zip(curves.items(), ['--', '-', ':', '-.'] * 4):
        ax.plot(curve.epoch, curve.lr, style, label=label)
    ax.set_xlabel('epoch')
    ax.set_ylabel('learning rate')
    ax.set_title('Learning rate schedules with warmup (Fig. 3a)')
    ax.set_xlim(0, max(c.epoch[-1] for c in curves.values()) + 1 / iters_per_epoch)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, out_path)


# ----------------------------------------------------------------------------- scalars.json
def resolve_work_dir(path: Optional[str], results_path: str) -> Optional[str]:
    """A run's ``work_dir`` as an existing directory: absolute, relative to the current directory, or
    relative to the results file's directory or one of its parents (the runner's cwd). A work root that
    was moved or copied is found through ``<results dir>/<row>/seed<k>`` (the runner's layout).
    None when nothing exists."""
    if not path:
        return None
    if osp.isdir(path):
        return osp.abspath(path)
    base = osp.dirname(osp.abspath(results_path))
    moved = osp.join(base, osp.basename(osp.dirname(path.rstrip('/'))), osp.basename(path.rstrip('/')))
    if osp.isabs(path):
        return moved if osp.isdir(moved) else None
    while True:
        candidate = osp.join(base, path)
        if osp.isdir(candidate):
            return candidate
        parent = osp.dirname(base)
        if parent == base:
            return None
        base = parent


class Series(NamedTuple):
    step: np.ndarray
    value: np.ndarray
    by_epoch: Optional[bool]  # True when the run's training lines carry an ``epoch`` (step = epoch)


def metric_series(work_dir: str, key: str, scale: float = 1.0) -> Optional[Series]:
    """Validation values of ``key`` (×``scale``) by step over all sessions of a run.

    Sessions are read oldest first and a step seen again (a resumed run re-validating) keeps the
    latest value. The ``step`` of a validation metric is the epoch of an epoch-based loop and the
    iteration of an iteration-based one (mmengine ``LoggerHook``). Read from ``scalars.json``
    (``LocalVisBackend``) or TensorBoard event files (``TensorboardVisBackend``).
    """
    tags = read_scalars(work_dir)  # {tag: {step: value}}, later sessions override
    values = next((tags[k] for k in (key, f'val/{key}') if k in tags), {})  # log_with_hierarchy prefixes
    values = {step: value * scale for step, value in values.items()}
    training = any(t.endswith('lr') or t.endswith('loss') for t in tags)
    by_epoch = True if 'epoch' in tags else (False if training else None)
    if not values:
        return None
    steps = sorted(values)
    return Series(np.asarray(steps), np.asarray([values[s] for s in steps]), by_epoch)


def val_curves(results: Union[Results, dict], results_path: str) -> Dict[str, List[Tuple[str, Dict[int, Series]]]]:
    """``{task: [(row label, {seed: Series})]}`` for the rows with at least one readable run."""
    out = {}
    for row in Results.coerce(results).rows:
        metric = VAL_METRICS.get(row.task)
        if metric is None:
            continue
        seeds = {}
        for run in row.runs:
            work_dir = resolve_work_dir(run.work_dir, results_path)
            if work_dir is None and run.scalars and osp.isfile(run.scalars):
                work_dir = run.scalars  # the committed copy (results_dir) of a run whose work dir is gone
            series = work_dir and metric_series(work_dir, metric.key, metric.scale)
            if series is not None:
                seeds[run.seed] = series
        if seeds:
            out.setdefault(row.task, []).append((row.title, seeds))
    return out


def plot_val_curves(results: dict, results_path: str, out_path: str) -> str:
    """One subplot per task, one colour per row: thin lines per seed, a thick line for the seed mean
    (over the steps all its seeds reached) when a row has several seeds."""
    curves = val_curves(results, results_path)
    if not curves:
        raise NoData('no run has readable scalars with validation metrics (<work_dir>/<timestamp>/vis_data/'
                     'scalars.json or TensorBoard events.out.tfevents.*)')
    tasks = [t for t in ('cls', 'det', 'seg') if t in curves]
    fig = Figure(figsize=(5.5 * len(tasks), 4), layout='constrained')
    for i, task in enumerate(tasks):
        ax = fig.add_subplot(1, len(tasks), i + 1)
        units = set()
        for j, (label, seeds) in enumerate(curves[task]):
            colour = f'C{j % 10}'
            many = len(seeds) > 1
            for series in seeds.values():
                units.add(series.by_epoch)
                ax.plot(series.step, series.value, color=colour, marker='.', lw=0.8 if many else 1.5,
                        alpha=0.4 if many else 1.0, label=None if many else label)
            if many:
                common = sorted(set.intersection(*(set(s.step.tolist()) for s in seeds.values())))
                if common:
                    mean = [np.mean([s.value[s.step.tolist().index(step)] for s in seeds.values()])
                            for step in common]
                    ax.plot(common, mean, color=colour, marker='o', lw=2, label=f'{label} (mean of {len(seeds)})')
        ax.set_xlabel({frozenset([True]): 'epoch', frozenset([False]): 'iteration'}.get(frozenset(units), 'step'))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(TASK_TITLES[task])
        ax.grid(alpha=0.3)
        ax.legend(fontsize='small')
    fig.suptitle('Validation during training')
    return _save(fig, out_path)


# ----------------------------------------------------------------------------- Section 6 transfer
def transfer_points(results: dict, paper: dict) -> Dict[str, List[tuple]]:
    """``{'voc_mAP' | 'ade_mIoU': [(label, top1 ours, y ours, top1 paper, y paper, paper row)]}`` for the
    classifier rows with a top-1 and a det/seg value (paper entries None when the paper has no such row)."""
    points = {'voc_mAP': [], 'ade_mIoU': []}
    for line in transfer_lines(results, paper)['lines']:
        top1 = line['ours']['top1']
        for key in points:
            y = line['ours'][key]
            if top1 is not None and y is not None:
                points[key].append((line['label'], top1.mean, y.mean, line['paper']['top1'], line['paper'][key],
                                    line['paper_row']))
    return points


def plot_transfer(results: dict, paper: dict, out_path: str) -> str:
    """Top-1 vs VOC mAP and vs ADE mIoU (Tables 8/9): ours (top) and the paper's same rows (bottom,
    own axes, since our small-scale numbers are on another scale)."""
    points = transfer_points(results, paper)
    keys = [k for k in ('voc_mAP', 'ade_mIoU') if points[k]]
    if not keys:
        raise NoData('no classifier row has both a top-1 and a done det/seg row initialised from it')
    with_paper = any(p[3] is not None and p[4] is not None for k in keys for p in points[k])
    nrows = 2 if with_paper else 1
    fig = Figure(figsize=(5.5 * len(keys), 4.2 * nrows), layout='constrained')
    ylabels = {'voc_mAP': 'VOC07 test mAP (%)', 'ade_mIoU': 'ADE20K mIoU (%)'}
    for i, key in enumerate(keys):
        ax = fig.add_subplot(nrows, len(keys), i + 1)
        _scatter(ax, [(p[0], p[1], p[2]) for p in points[key]], 'C0', 'o', 'ours')
        ax.set_title(f'Ours: {ylabels[key].split(" (")[0]} vs backbone top-1')
        ax.set_ylabel(ylabels[key])
        if with_paper:
            ax2 = fig.add_subplot(nrows, len(keys), len(keys) + i + 1)
            paper_pts = [(p[5], p[3], p[4]) for p in points[key] if p[3] is not None and p[4] is not None]
            if paper_pts:
                _scatter(ax2, paper_pts, 'C3', 's', 'paper (arXiv v2)')
            else:
                ax2.text(0.5, 0.5, 'no paper numbers for these rows', ha='center', va='center',
                         transform=ax2.transAxes)
            ax2.set_title(f'Paper (Table {8 if key == "voc_mAP" else 9})')
            ax2.set_ylabel(ylabels[key])
            ax2.set_xlabel('ImageNet top-1 (%)')
        else:
            ax.set_xlabel('ImageNet top-1 (%)')
    return _save(fig, out_path)


def _scatter(ax, pts: Sequence[tuple], colour: str, marker: str, label: str) -> None:
    ax.scatter([p[1] for p in pts], [p[2] for p in pts], c=colour, marker=marker, s=40, label=label, zorder=3)
    for name, x, y in pts:
        ax.annotate(name, (x, y), textcoords='offset points', xytext=(4, 4), fontsize='x-small')
    ax.margins(0.2)
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small', loc='lower right')


# ----------------------------------------------------------------------------- all figures
def make_plots(results_path: str, out_dir: Optional[str] = None, paper_path: Optional[str] = None,
               lr_configs: Optional[dict] = None, iters_per_epoch: int = 10) -> Dict[str, str]:
    """Write the three figures; returns ``{file name: path written or 'skipped: <reason>'}``.

    A figure that cannot be drawn (no data, a config that does not build) is skipped, never fatal.
    """
    out_dir = out_dir or osp.dirname(osp.abspath(results_path))
    results, paper = Results.coerce(load_json(results_path)), load_paper(paper_path)
    jobs = {
        'lr_schedules.png': lambda p: plot_lr_schedules(p, lr_configs, iters_per_epoch),
        'val_curves.png': lambda p: plot_val_curves(results, results_path, p),
        'transfer.png': lambda p: plot_transfer(results, paper, p),
    }
    written = {}
    for name, job in jobs.items():
        try:
            written[name] = job(osp.join(out_dir, name))
        except NoData as e:
            written[name] = f'skipped: {e}'
        except Exception as e:  # a broken config or file must not cost the other figures
            written[name] = f'skipped: {type(e).__name__}: {e}'
    return written


__all__ = ['LRCurve', 'NoData', 'lr_curve', 'lr_curves', 'make_plots', 'metric_series', 'plot_lr_schedules',
           'plot_transfer', 'plot_val_curves', 'scalars_files']
