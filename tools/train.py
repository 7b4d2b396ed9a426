"""Train a classifier (mmpretrain), detector (mmdet) or segmentor (mmseg) config; the config's
``default_scope`` decides. Same flags as mmdet's ``tools/train.py``."""
import argparse

import tricks_mm  # noqa: F401  (safe checkpoint loading, atomic saving)
from tricks_mm.checkpoint import CheckpointMismatchError
from tricks_mm.apis.cli import (DictAction, build_runner, enable_amp, enable_auto_scale_lr,
                                load_config, local_rank_env, set_resume)


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


def main():
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.launcher, args.work_dir)
    if args.amp:
        enable_amp(cfg)
    if args.auto_scale_lr:
        enable_auto_scale_lr(cfg)
    set_resume(cfg, args.resume)
    runner = build_runner(cfg)
    try:
        runner.train()
    except CheckpointMismatchError as e:
        raise CheckpointMismatchError(f'config {args.config}: {e}') from None


if __name__ == '__main__':
    main()
