"""Shared config handling of ``tools/train.py`` and ``tools/test.py`` (mmdet's CLI, any OpenMMLab scope).

The config's ``default_scope`` (mmpretrain, mmdet or mmseg) decides which package's modules build;
the helpers here only apply the command-line options to the config.
"""
import argparse
import math
import os
import os.path as osp
from typing import Callable, Dict

import torch
from mmengine.config import Config
from mmengine.config import DictAction as _MMEngineDictAction


class DictAction(_MMEngineDictAction):
    """mmengine's ``--cfg-options`` parser, with a clear error for an item that is not ``KEY=VALUE``."""

    def __call__(self, parser, namespace, values, option_string=None):
        for item in values:
            key = item.split('=', 1)[0]
            if '=' not in item or not key:
                parser.error(f'{option_string} {item!r}: each option must be KEY=VALUE with a dotted config '
                             f'key, e.g. {option_string} model.backbone.depth=50 train_cfg.max_iters=100')
        super().__call__(parser, namespace, values, option_string)


def load_config(path: str, cfg_options=None, launcher='none', work_dir=None) -> Config:
    """Read ``path``, apply ``--cfg-options``, pick the work dir and the distributed backend."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file {path} does not exist')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if 'default_scope' not in cfg:
        raise KeyError(f'{path} sets no default_scope; inherit a runtime base of mmpretrain, mmdet or '
                       "mmseg (e.g. 'mmdet::_base_/default_runtime.py') or set default_scope yourself")
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(path))[0])
    if launcher != 'none' and not torch.cuda.is_available():
        # NCCL needs GPUs: CPU processes talk through gloo, and DDP must not be given a device id.
        cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = 'gloo'
        wrapper = cfg.get('model_wrapper_cfg') or dict(
            type='MMDistributedDataParallel', broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        wrapper['device_ids'] = None
        cfg.model_wrapper_cfg = wrapper
        _sync_bn_to_bn(cfg.model)  # torch's SyncBatchNorm runs on CUDA only
    adapt_amp_to_device(cfg)
    return cfg


def _sync_bn_to_bn(node) -> None:
    if isinstance(node, dict):
        if node.get('type') == 'SyncBN':
            node['type'] = 'BN'
        for value in node.values():
            _sync_bn_to_bn(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _sync_bn_to_bn(value)


def adapt_amp_to_device(cfg: Config) -> None:
    """A config that asks for ``AmpOptimWrapper`` (fp16 + loss scaling, for GPUs) gets bf16 autocast on a
    machine without CUDA, where mmengine's ``AmpOptimWrapper`` refuses to run."""
    wrapper = cfg.get('optim_wrapper')
    if wrapper and wrapper.get('type') == 'AmpOptimWrapper' and not torch.cuda.is_available():
        for key in ('loss_scale', 'dtype', 'use_fsdp'):
            wrapper.pop(key, None)
        wrapper.type = 'tricks_mm.BF16OptimWrapper'


def enable_amp(cfg: Config) -> None:
    """``--amp``: fp16 with dynamic loss scaling on CUDA (mmengine's AmpOptimWrapper, paper Section 3.2);
    bf16 autocast on the CPU (mmengine's AmpOptimWrapper refuses a CPU device)."""
    wrapper = cfg.optim_wrapper
    if wrapper.get('type', 'OptimWrapper') in ('AmpOptimWrapper', 'tricks_mm.BF16OptimWrapper'):
        return
    if torch.cuda.is_available():
        wrapper.type = 'AmpOptimWrapper'
        wrapper.setdefault('loss_scale', 'dynamic')
    else:
        wrapper.type = 'tricks_mm.BF16OptimWrapper'


def enable_auto_scale_lr(cfg: Config) -> None:
    """``--auto-scale-lr``: linear scaling rule, paper Section 3.1 (mmengine scales by batch size)."""
    if 'auto_scale_lr' not in cfg or 'base_batch_size' not in cfg.auto_scale_lr:
        raise KeyError('--auto-scale-lr needs `auto_scale_lr = dict(base_batch_size=...)` in the config '
                       '(the batch size the learning rate was set for, e.g. 256 for lr 0.1)')
    cfg.auto_scale_lr.enable = True


def add_reliability_hooks(cfg: Config) -> None:
    """Every training gets :class:`~tricks_mm.engine.hooks.divergence.DivergenceGuardHook` (stops at
    the first non-finite loss or gradient norm; off with ``divergence_guard = False`` in the config)
    and :class:`~tricks_mm.engine.hooks.rng_state.RNGStateHook` (random-number state in checkpoints,
    for bit-identical resume)."""
    import tricks_mm.engine.hooks.divergence  # noqa: F401  (registers the hooks)
    import tricks_mm.engine.hooks.rng_state  # noqa: F401
    hooks = list(cfg.get('custom_hooks') or [])
    present = {str(h.get('type', '')).split('.')[-1] for h in hooks}
    if cfg.get('divergence_guard', True) and 'DivergenceGuardHook' not in present:
        hooks.append(dict(type='tricks_mm.DivergenceGuardHook'))
    if 'RNGStateHook' not in present:
        hooks.append(dict(type='tricks_mm.RNGStateHook'))
    cfg.custom_hooks = hooks


class ScheduleError(ValueError):
    """A training schedule that cannot run (no iterations, a scheduler that ends before it begins)."""


def check_schedule(cfg: Config) -> None:
    """Refuse schedules mmengine would fail on deep inside (or run silently without training),
    naming the config key: ``train_cfg.max_iters/max_epochs/val_interval`` < 1, and a
    ``param_scheduler`` whose ``end`` is not after its ``begin``."""
    train_cfg = cfg.get('train_cfg') or {}
    for key in ('max_iters', 'max_epochs', 'val_interval'):
        value = train_cfg.get(key)
        if value is not None and (not isinstance(value, (int, float)) or value < 1):
            raise ScheduleError(f'train_cfg.{key}={value!r}: must be a positive number (a training needs at '
                                f'least one {"epoch" if key == "max_epochs" else "iteration"}); set it in the '
                                f'config or with --cfg-options train_cfg.{key}=N')
    schedulers = cfg.get('param_scheduler') or []
    schedulers = [schedulers] if isinstance(schedulers, dict) else list(schedulers)
    for i, sched in enumerate(schedulers):
        begin, end = sched.get('begin', 0), sched.get('end', math.inf)
        if end is not None and begin is not None and end <= begin:
            raise ScheduleError(
                f'param_scheduler[{i}] ({sched.get("type")}): end={end} is not after begin={begin}, so it would '
                f'never run (mmengine: "end should be larger than begin"). Set param_scheduler[{i}].end to '
                f'the {"epoch" if sched.get("by_epoch", True) else "iteration"} it should stop at.')


def set_resume(cfg: Config, resume) -> None:
    """``--resume`` alone: the latest checkpoint of the work dir; ``--resume CKPT``: that file."""
    if resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif resume is not None:
        if not osp.isfile(resume):
            raise FileNotFoundError(f'--resume: checkpoint {resume} does not exist')
        cfg.resume, cfg.load_from = True, resume


def apply_skip_bad_images(cfg: Config) -> int:
    """``skip_bad_images = True``: training pipelines load images through ``tricks_mm.LoadImageSkipBad``
    (an unreadable image is skipped with a counted warning); returns how many loaders were replaced."""
    if not cfg.get('skip_bad_images', False):
        return 0
    from tricks_mm.datasets.checks import leaf_datasets
    from tricks_mm.datasets.skip_bad import use_skip_bad_images
    dataset = (cfg.get('train_dataloader') or {}).get('dataset') or {}
    count, node = 0, dataset
    while isinstance(node, dict):  # wrappers (e.g. MultiImageMixDataset) may carry a pipeline too
        count += use_skip_bad_images(node.get('pipeline'))
        node = node.get('dataset')
    for leaf in leaf_datasets(dataset):
        if leaf is not dataset:
            count += use_skip_bad_images(leaf.get('pipeline'))
    if not count:
        raise KeyError('skip_bad_images=True, but no LoadImageFromFile step was found in the training '
                       'pipeline to make skipping')
    return count


def use_config_class_names(cfg: Config) -> None:
    """Run mmdet's ``VOCMetric`` as ``tricks_mm.VOCMetric``: per-class AP labelled with the config's
    classes instead of the 20 Pascal VOC names (mmdet's choice for any data under VOC2007/)."""
    for key in ('val_evaluator', 'test_evaluator'):
        evaluators = cfg.get(key)
        for ev in evaluators if isinstance(evaluators, (list, tuple)) else [evaluators]:
            if isinstance(ev, dict) and ev.get('type') in ('VOCMetric', 'mmdet.VOCMetric'):
                import tricks_mm.datasets.voc  # noqa: F401  (registers tricks_mm.VOCMetric)
                ev['type'] = 'tricks_mm.VOCMetric'


def run_data_check(cfg: Config, splits=('train', 'val', 'test')):
    """The start-of-training data check (config key ``data_check``: ``'auto'`` (default), ``'full'``,
    ``'sample'``, ``'off'``, or a dict with ``mode``, ``max_full``, ``sample``): raises
    :class:`~tricks_mm.datasets.checks.DataCheckError` listing every bad file, logs warnings."""
    from mmengine.logging import print_log

    from tricks_mm.datasets.checks import check_data
    opts = cfg.get('data_check', 'auto')
    opts = dict(mode=opts) if isinstance(opts, str) or opts is False else dict(opts)
    if opts.get('mode') is False:
        opts['mode'] = 'off'
    report = check_data(cfg, splits=splits, skip_bad_images=bool(cfg.get('skip_bad_images', False)), **opts)
    report.raise_if_errors(f'config {cfg.filename}')
    if report.warnings:
        print_log(f'data check warnings:\n{report.format()}', logger='current', level=30)
    return report


def resume_checkpoint(cfg: Config):
    """The file ``runner.train()`` will resume from (``None`` if it starts afresh)."""
    if not cfg.get('resume'):
        return None
    if cfg.get('load_from'):
        return cfg.load_from
    from mmengine.runner.checkpoint import find_latest_checkpoint
    return find_latest_checkpoint(cfg.work_dir)


def check_checkpoint_for_model(cfg: Config, model, path: str, fix: str) -> None:
    """Raise :class:`~tricks_mm.checkpoint.CheckpointMismatchError` unless the checkpoint at ``path``
    holds exactly ``model``'s tensors (keys and shapes) and its own config trained the same backbone
    (type, depth, variant: ResNet-A and -B share every tensor). ``fix`` ends the message."""
    from mmengine.model import is_model_wrapper
    from mmengine.runner.checkpoint import _load_checkpoint

    from tricks_mm.checkpoint import CheckpointMismatchError, compare_state_dicts, extract_state_dict
    from tricks_mm.checkpoint.config_meta import backbone_differences
    model = model.module if is_model_wrapper(model) else model
    checkpoint = _load_checkpoint(path, map_location='cpu')
    report = compare_state_dicts(model.state_dict(), extract_state_dict(checkpoint))
    problems = [f'its tensors:\n{report.format()}'] if not report.ok else []
    diffs = backbone_differences(checkpoint, cfg.get('model'))
    if diffs:
        problems.append("its own config (meta['cfg']) trained another backbone (same tensors, other "
                        'network):\n' + '\n'.join(f'  {d}' for d in diffs))
    if problems:
        raise CheckpointMismatchError(f'checkpoint {path} does not fit the model built by config '
                                      f'{cfg.filename}: ' + '\n'.join(problems) + f'\n{fix}')


def check_backbone_init(cfg: Config) -> None:
    """A backbone initialised from a classifier checkpoint (``init_cfg=dict(type='Pretrained', ...)``, strict)
    must be of the classifier's variant, as the classifier's own config says. Keys and shapes are checked when
    the weights load; this catches ResNet-A vs -B and -C vs -D, which share every tensor."""
    from mmengine.runner.checkpoint import _load_checkpoint

    from tricks_mm.checkpoint import CheckpointMismatchError
    from tricks_mm.checkpoint.config_meta import backbone_differences
    init = ((cfg.get('model') or {}).get('backbone') or {}).get('init_cfg')
    if not isinstance(init, dict) or init.get('type') != 'Pretrained' or not init.get('strict', True):
        return
    path = init.get('checkpoint')
    if not isinstance(path, str) or not osp.isfile(path):
        return  # a missing file is reported when the weights load
    # the variant only: A/B (and C/D) share every tensor; another depth or type fails on the keys when loading
    diffs = backbone_differences(_load_checkpoint(path, map_location='cpu'), cfg.model, keys=('variant', ))
    if diffs:
        raise CheckpointMismatchError(
            f'model.backbone.init_cfg.checkpoint={path} holds another backbone than config {cfg.filename} builds '
            "(by the checkpoint's own config; the tensors alone cannot tell ResNet-A from -B):\n" +
            '\n'.join(f'  {d}' for d in diffs) + '\nInitialise from a classifier of the same variant, or set '
            'model.backbone.init_cfg.strict=False for a deliberate partial load.')


def _show_dir_mmdet(cfg, show_dir):
    cfg.default_hooks.visualization.update(draw=True, test_out_dir=show_dir)


def _show_dir_mmseg(cfg, show_dir):
    cfg.default_hooks.visualization.update(draw=True)
    cfg.visualizer.save_dir = show_dir


def _show_dir_mmpretrain(cfg, show_dir):
    cfg.default_hooks.visualization.update(enable=True, out_dir=show_dir)


# How each package's test tool turns on drawing predictions into a folder.
SHOW_DIR_SETTERS: Dict[str, Callable] = {
    'mmdet': _show_dir_mmdet,
    'mmseg': _show_dir_mmseg,
    'mmpretrain': _show_dir_mmpretrain,
}


def set_show_dir(cfg: Config, show_dir: str) -> None:
    if cfg.default_scope not in SHOW_DIR_SETTERS:
        raise KeyError(f'--show-dir is supported for scopes {sorted(SHOW_DIR_SETTERS)}, '
                       f'not {cfg.default_scope!r}')
    if 'visualization' not in cfg.get('default_hooks', {}):
        raise KeyError('--show-dir needs a visualization hook in default_hooks')
    SHOW_DIR_SETTERS[cfg.default_scope](cfg, osp.abspath(show_dir))


def init_cpu_distributed(cfg: Config) -> None:
    """Start the process group for CPU-only multi-process runs (gloo).

    mmengine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device`` for every launcher, which fails
    on a machine without CUDA. We run it with that call made a no-op; the Runner then finds the
    process group initialised and skips its own ``init_dist``.
    """
    from mmengine.dist import init_dist, is_distributed
    if cfg.launcher == 'none' or torch.cuda.is_available() or is_distributed():
        return
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}), backend='gloo')
    set_device = torch.cuda.set_device
    torch.cuda.set_device = lambda *args, **kwargs: None
    try:
        init_dist(cfg.launcher, **dist_cfg)
    finally:
        torch.cuda.set_device = set_device


def build_runner(cfg: Config):
    from mmengine.registry import RUNNERS
    from mmengine.runner import Runner
    init_cpu_distributed(cfg)
    return Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)


def local_rank_env(args) -> None:
    if 'LOCAL_RANK' not in os.environ and getattr(args, 'local_rank', None) is not None:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
