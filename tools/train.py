"""Train a classifier (mmpretrain), detector (mmdet) or segmentor (mmseg) config; the config's
``default_scope`` decides. Same flags as mmdet's ``tools/train.py``.

Before any time is spent: the schedule is checked, the data is checked (``data_check``, see
tricks_mm/datasets/checks.py), the work dir is locked against a second training, and a ``--resume``
checkpoint must fit the model as strictly as in ``tools/test.py``. During training the divergence
guard stops at the first non-finite loss or gradient norm (exit status 1), and checkpoints carry the
random-number state so a resumed run is bit-identical to an uninterrupted one.
"""
import argparse
import os
import signal
import sys

import tricks_mm  # noqa: F401  (safe checkpoint loading, atomic saving)
from tricks_mm.apis.cli import (DictAction, ScheduleError, add_reliability_hooks, apply_skip_bad_images,
                                build_runner, check_backbone_init, check_checkpoint_for_model, check_schedule,
                                enable_amp, enable_auto_scale_lr, load_config, local_rank_env, resume_checkpoint,
                                run_data_check, set_resume, use_config_class_names)
from tricks_mm.checkpoint import CheckpointMismatchError, UnsafeCheckpointError
from tricks_mm.checkpoint.safe_load import CheckpointReadError
from tricks_mm.datasets.checks import DataCheckError
from tricks_mm.engine.hooks.divergence import DivergenceError
from tricks_mm.utils.dir_lock import ENV as LOCK_ENV
from tricks_mm.utils.dir_lock import DirLock, DirLockedError

RANK_VARIABLES = ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK', 'PMI_RANK')


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: fp16 + loss scaling on CUDA, bf16 on the CPU')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate linearly with the total batch size')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from CKPT, or from the latest checkpoint of the work dir')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. train_cfg.max_iters=10')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    local_rank_env(args)
    return args


def _rank() -> int:
    for name in RANK_VARIABLES:
        if os.environ.get(name, '').isdigit():
            return int(os.environ[name])
    return 0


MAIN_PID = os.getpid()


def _die_with_group(signum, frame):
    """Started by tools/reproduce.py in a process group of our own: take the data-loader workers along.
    A forked child (a data-loader or multiprocessing worker inherits this handler) dies as by default,
    so ``Pool.terminate`` still works."""
    signal.signal(signum, signal.SIG_DFL)
    if os.getpid() == MAIN_PID and os.getpgrp() == MAIN_PID:
        os.killpg(MAIN_PID, signal.SIGKILL)
    os.kill(os.getpid(), signum)


def prepare(args):
    """Config with the command-line options, checked; raises the clear errors ``main`` reports."""
    cfg = load_config(args.config, args.cfg_options, args.launcher, args.work_dir)
    if args.amp:
        enable_amp(cfg)
    if args.auto_scale_lr:
        enable_auto_scale_lr(cfg)
    check_schedule(cfg)
    add_reliability_hooks(cfg)
    apply_skip_bad_images(cfg)
    use_config_class_names(cfg)
    set_resume(cfg, args.resume)
    return cfg


def main():
    args = parse_args()
    if os.environ.get(LOCK_ENV):
        signal.signal(signal.SIGTERM, _die_with_group)
        # forked children (data-loader and mmdet's evaluation Pool workers) get the default action back at once:
        # a Python-level handler cannot run in a worker stuck in a C-level lock, and Pool.terminate would hang
        os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))
    try:
        cfg = prepare(args)
        lock = DirLock(cfg.work_dir, what='a training').acquire() if _rank() == 0 else None  # noqa: F841
        run_data_check(cfg)
        check_backbone_init(cfg)
        runner = build_runner(cfg)
        resume_from = resume_checkpoint(cfg)
        if resume_from:
            check_checkpoint_for_model(
                cfg, runner.model, resume_from,
                fix='--resume continues a training with the same config and --cfg-options; to start a new '
                    'training from some of these weights, use --cfg-options load_from=CKPT instead.')
        runner.train()
    except (ScheduleError, DataCheckError, DirLockedError, DivergenceError, UnsafeCheckpointError,
            CheckpointReadError) as e:
        sys.exit(f'error: {type(e).__name__}: {e}')
    except CheckpointMismatchError as e:
        sys.exit(f'error: {type(e).__name__}: config {args.config}: {e}')


if __name__ == '__main__':
    main()
