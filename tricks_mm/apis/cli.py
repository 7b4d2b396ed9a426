"""Shared config handling of ``tools/train.py`` and ``tools/test.py`` (mmdet's CLI, any OpenMMLab scope).

The config's ``default_scope`` (mmpretrain, mmdet or mmseg) decides which package's modules build;
the helpers here only apply the command-line options to the config.
"""
import os
import os.path as osp
from typing import Callable, Dict

import torch
from mmengine.config import Config, DictAction  # noqa: F401 (DictAction re-exported for the tools)


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


def set_resume(cfg: Config, resume) -> None:
    """``--resume`` alone: the latest checkpoint of the work dir; ``--resume CKPT``: that file."""
    if resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif resume is not None:
        if not osp.isfile(resume):
            raise FileNotFoundError(f'--resume: checkpoint {resume} does not exist')
        cfg.resume, cfg.load_from = True, resume


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
