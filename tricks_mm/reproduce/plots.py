"""Figures of a reproduction (He et al., "Bag of Tricks", CVPR 2019), as PNG files (matplotlib, Agg).

* ``lr_schedules.png``: Figure 3(a) (Section 5.1), learning rate vs epoch of step and cosine decay after a
  5-epoch linear warmup, from the real configs' ``param_scheduler`` stepped as mmengine's Runner does.
* ``val_curves.png``: the validation metric vs step of every run with readable scalars, one subplot per task.
* ``transfer.png``: ImageNet top-1 of each classifier row vs the VOC mAP and ADE20K mIoU of the rows
  initialised from it (Section 6, Tables 8/9), ours and, where known, the paper's.
"""
import copy
import os
import os.path as osp
from types import SimpleNamespace
from typing import Dict, List, NamedTuple, Optional, Tuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..utils.paths import package_root
from .records import Results
from .scalars import read_scalars
from .tables import METRICS, load_json, load_paper, transfer_lines

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


class LRCurve(NamedTuple):
    """``lr[i]`` is the learning rate used by training iteration ``i``; ``epoch = i / iters_per_epoch``."""
    epoch: np.ndarray
    lr: np.ndarray


def lr_curve(config_path: str, iters_per_epoch: int = 10) -> LRCurve:
    """The learning rate of every training iteration of an epoch-based config (Section 5.1, Fig. 3a).

    As the Runner: an optimizer of the config's type and lr, each ``param_scheduler`` entry built through
    ``PARAM_SCHEDULERS`` (default ``end``: ``max_epochs``), stepped by ``ParamSchedulerHook`` after each
    iteration and each epoch. ``iters_per_epoch`` only sets the resolution.
    """
    import torch
    from mmengine.config import Config
    from mmengine.hooks import ParamSchedulerHook
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import PARAM_SCHEDULERS, DefaultScope

    from tricks_mm.utils.setup_env import register_all_modules

    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(config_path if osp.exists(config_path) else osp.join(package_root(), config_path))
    max_epochs, entries = cfg.train_cfg.max_epochs, cfg.param_scheduler
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'mmpretrain')):
        # the wrapper type only decides precision (AmpOptimWrapper needs CUDA); the lr path is the same
        optimizer = copy.deepcopy(dict(cfg.optim_wrapper.optimizer))
        optim = build_optim_wrapper(torch.nn.Linear(1, 1, bias=False), dict(type='OptimWrapper', optimizer=optimizer))
        schedulers = []
        for entry in entries if isinstance(entries, (list, tuple)) else [entries]:
            entry = copy.deepcopy(dict(entry))
            entry.setdefault('end', max_epochs if entry.get('by_epoch', True) else max_epochs * iters_per_epoch)
            schedulers.append(PARAM_SCHEDULERS.build(
                entry, default_args=dict(optimizer=optim, epoch_length=iters_per_epoch)))
    hook, runner = ParamSchedulerHook(), SimpleNamespace(param_schedulers=schedulers)
    lrs = []
    for _ in range(max_epochs):
        for batch_idx in range(iters_per_epoch):
            lrs.append(optim.get_lr()['lr'][0])
            optim.step()  # no gradients (a no-op update), as the Runner: optimizer step, then schedulers
            hook.after_train_iter(runner, batch_idx)
        hook.after_train_epoch(runner)
    return LRCurve(np.arange(len(lrs)) / iters_per_epoch, np.asarray(lrs, dtype=float))


def lr_curves(config_paths: Dict[str, str], iters_per_epoch: int = 10) -> Dict[str, LRCurve]:
    """:func:`lr_curve` of ``{legend label: config path}``."""
    return {label: lr_curve(path, iters_per_epoch) for label, path in config_paths.items()}


def plot_lr_schedules(out_path: str, config_paths: Optional[dict] = None, iters_per_epoch: int = 10) -> str:
    """Figure 3(a): step decay vs cosine decay, each with its 5-epoch warmup, from the configs."""
    curves = lr_curves(config_paths or LR_CONFIGS, iters_per_epoch)
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    for (label, curve), style in zip(curves.items(), ['--', '-', ':', '-.'] * 4):
        ax.plot(curve.epoch, curve.lr, style, label=label)
    ax.set(xlabel='epoch', ylabel='learning rate', title='Learning rate schedules with warmup (Fig. 3a)')
    ax.set_xlim(0, max(c.epoch[-1] for c in curves.values()) + 1 / iters_per_epoch)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, out_path)


def resolve_work_dir(path: Optional[str], results_path: str) -> Optional[str]:
    """A run's ``work_dir`` as an existing directory: as given, else relative to the results file's
    directory or one of its parents (the runner's cwd); a moved work root is found through
    ``<results dir>/<row>/seed<k>`` (the runner's layout). None when nothing exists."""
    if not path:
        return None
    if osp.isdir(path):
        return osp.abspath(path)
    base = osp.dirname(osp.abspath(results_path))
    if osp.isabs(path):
        path = path.rstrip('/')
        moved = osp.join(base, osp.basename(osp.dirname(path)), osp.basename(path))
        return moved if osp.isdir(moved) else None
    while not osp.isdir(osp.join(base, path)):
        if osp.dirname(base) == base:
            return None
        base = osp.dirname(base)
    return osp.join(base, path)


class Series(NamedTuple):
    step: np.ndarray
    value: np.ndarray
    by_epoch: Optional[bool]  # True when the run's training lines carry an ``epoch`` (step = epoch)


def metric_series(work_dir: str, key: str, scale: float = 1.0) -> Optional[Series]:
    """Validation values of ``key`` (×``scale``) by step over all sessions of a run (a step validated again
    by a resumed run keeps the latest value); the step is the epoch or the iteration (mmengine ``LoggerHook``)."""
    tags = read_scalars(work_dir)
    values = next((tags[k] for k in (key, f'val/{key}') if k in tags), {})  # log_with_hierarchy prefixes
    if not values:
        return None
    by_epoch = True if 'epoch' in tags else (False if any(t.endswith(('lr', 'loss')) for t in tags) else None)
    steps = sorted(values)
    return Series(np.asarray(steps), np.asarray([values[s] * scale for s in steps]), by_epoch)


def val_curves(results, results_path: str) -> Dict[str, List[Tuple[str, Dict[int, Series]]]]:
    """``{task: [(row label, {seed: Series})]}`` for the rows with at least one readable run."""
    out = {}
    for row in Results.coerce(results).rows:
        metric, seeds = VAL_METRICS.get(row.task), {}
        for run in row.runs if metric else ():
            work_dir = resolve_work_dir(run.work_dir, results_path)
            if work_dir is None and run.scalars and osp.isfile(run.scalars):
                work_dir = run.scalars  # the committed copy (results_dir) of a run whose work dir is gone
            series = work_dir and metric_series(work_dir, metric.key, metric.scale)
            if series is not None:
                seeds[run.seed] = series
        if seeds:
            out.setdefault(row.task, []).append((row.title, seeds))
    return out


def plot_val_curves(results, results_path: str, out_path: str) -> str:
    """One subplot per task, one colour per row: thin lines per seed and a thick one for the seed mean (over
    the steps all its seeds reached) when a row has several seeds."""
    curves = val_curves(results, results_path)
    if not curves:
        raise NoData('no run has readable scalars with validation metrics (<work_dir>/<timestamp>/vis_data/'
                     'scalars.json or TensorBoard events.out.tfevents.*)')
    tasks = [t for t in ('cls', 'det', 'seg') if t in curves]
    fig = Figure(figsize=(5.5 * len(tasks), 4), layout='constrained')
    for i, task in enumerate(tasks):
        ax = fig.add_subplot(1, len(tasks), i + 1)
        for j, (label, seeds) in enumerate(curves[task]):
            colour, many = f'C{j % 10}', len(seeds) > 1
            for s in seeds.values():
                ax.plot(s.step, s.value, color=colour, marker='.', lw=0.8 if many else 1.5,
                        alpha=0.4 if many else 1.0, label=None if many else label)
            by_step = [dict(zip(s.step.tolist(), s.value)) for s in seeds.values()]
            common = sorted(set.intersection(*map(set, by_step)))
            if many and common:
                ax.plot(common, [np.mean([v[step] for v in by_step]) for step in common], color=colour, marker='o',
                        lw=2, label=f'{label} (mean of {len(seeds)})')
        units = {s.by_epoch for _, seeds in curves[task] for s in seeds.values()}
        ax.set_xlabel({frozenset([True]): 'epoch', frozenset([False]): 'iteration'}.get(frozenset(units), 'step'))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(TASK_TITLES[task])
        ax.grid(alpha=0.3)
        ax.legend(fontsize='small')
    fig.suptitle('Validation during training')
    return _save(fig, out_path)


def _scatter(ax, pts: List[tuple], colour: str, marker: str, label: str) -> None:
    ax.scatter([p[1] for p in pts], [p[2] for p in pts], c=colour, marker=marker, s=40, label=label, zorder=3)
    for name, x, y in pts:
        ax.annotate(name, (x, y), textcoords='offset points', xytext=(4, 4), fontsize='x-small')
    ax.margins(0.2)
    ax.grid(alpha=0.3)
    ax.legend(fontsize='small', loc='lower right')


def plot_transfer(results, paper: dict, out_path: str) -> str:
    """Top-1 vs VOC mAP and vs ADE mIoU (Tables 8/9) of the classifier rows with both: ours (top) and the
    paper's same rows (bottom, own axes, since our small-scale numbers are on another scale)."""
    lines = transfer_lines(results, paper)['lines']
    ours = {k: [ln for ln in lines if ln['ours']['top1'] and ln['ours'][k]] for k in ('voc_mAP', 'ade_mIoU')}
    keys = [k for k in ours if ours[k]]
    if not keys:
        raise NoData('no classifier row has both a top-1 and a done det/seg row initialised from it')
    theirs = {k: [(ln['paper_row'], ln['paper']['top1'], ln['paper'][k]) for ln in ours[k]
                  if ln['paper']['top1'] is not None and ln['paper'][k] is not None] for k in keys}
    nrows = 2 if any(theirs.values()) else 1
    fig = Figure(figsize=(5.5 * len(keys), 4.2 * nrows), layout='constrained')
    for i, key in enumerate(keys):
        # our data sets are the spec's (e.g. BCCD, CamVid at small scale); the paper's are VOC07 and ADE20K
        ylabel = {'voc_mAP': 'detection mAP, VOC07 metric (%)', 'ade_mIoU': 'segmentation mIoU (%)'}[key]
        ax = fig.add_subplot(nrows, len(keys), i + 1)
        _scatter(ax, [(ln['label'], ln['ours']['top1'].mean, ln['ours'][key].mean) for ln in ours[key]], 'C0', 'o',
                 'ours')
        ax.set(title=f'Ours: {ylabel.split(",")[0].split(" (")[0]} vs backbone top-1', ylabel=ylabel,
               xlabel='classifier top-1 (%)')
        if nrows == 2:
            ax = fig.add_subplot(nrows, len(keys), len(keys) + i + 1)
            if theirs[key]:
                _scatter(ax, theirs[key], 'C3', 's', 'paper (arXiv v2)')
            else:
                ax.text(0.5, 0.5, 'no paper numbers for these rows', ha='center', va='center', transform=ax.transAxes)
            ax.set(title=f'Paper (Table {8 if key == "voc_mAP" else 9})', xlabel='ImageNet top-1 (%)',
                   ylabel={'voc_mAP': 'VOC07 test mAP (%)', 'ade_mIoU': 'ADE20K mIoU (%)'}[key])
    return _save(fig, out_path)


def make_plots(results_path: str, out_dir: Optional[str] = None, paper_path: Optional[str] = None,
               lr_configs: Optional[dict] = None, iters_per_epoch: int = 10) -> Dict[str, str]:
    """Write the three figures; returns ``{file name: path written or 'skipped: <reason>'}``. A figure that
    cannot be drawn (no data, a config that does not build) is skipped, never fatal."""
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
