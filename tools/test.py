"""Evaluate a checkpoint on a classifier (mmpretrain), detector (mmdet) or segmentor (mmseg) config;
the config's ``default_scope`` decides. Same flags as mmdet's ``tools/test.py``."""
import argparse
import json
import os.path as osp
import sys

import tricks_mm  # noqa: F401  (safe checkpoint loading)
from tricks_mm.apis.cli import (DictAction, build_runner, check_checkpoint_for_model, load_config, local_rank_env,
                                run_data_check, set_show_dir, use_config_class_names)
from tricks_mm.checkpoint import CheckpointMismatchError, UnsafeCheckpointError
from tricks_mm.checkpoint.safe_load import CheckpointReadError
from tricks_mm.datasets.checks import DataCheckError
from tricks_mm.utils.json_file import write_json


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the evaluation metrics (metrics.json)')
    parser.add_argument('--out', help='dump every prediction to this pickle file (.pkl); for a segmentor (mmseg) a '
                        'folder instead writes one predicted label PNG per image, as mmseg\'s tools/test.py')
    parser.add_argument('--show-dir', help='draw predictions into this folder')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. test_dataloader.batch_size=4')
    parser.add_argument('--partial', action='store_true',
                        help='evaluate even if the checkpoint does not fit the model (missing/extra keys)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    local_rank_env(args)
    return args


def main():
    from mmengine.dist import is_main_process
    args = parse_args()
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint {args.checkpoint} does not exist')
    cfg = load_config(args.config, args.cfg_options, args.launcher, args.work_dir)
    out_pickle = args.out is not None and args.out.endswith(('.pkl', '.pickle'))
    if args.out is not None and not out_pickle:
        if cfg.get('default_scope') != 'mmseg':
            sys.exit(f'error: --out {args.out}: a {cfg.get("default_scope")} model dumps its predictions to a .pkl '
                     'or .pickle file (a folder of PNGs is for segmentation configs)')
        # mmseg's IoUMetric writes each prediction as <output_dir>/<image stem>.png and still computes the metrics
        cfg.test_evaluator['output_dir'] = osp.abspath(args.out)
        cfg.test_evaluator['keep_results'] = True
    cfg.load_from = args.checkpoint
    use_config_class_names(cfg)
    if args.show_dir:
        set_show_dir(cfg, args.show_dir)
    try:
        run_data_check(cfg, splits=('test', ))
        runner = build_runner(cfg)
        if not args.partial:  # mmengine would load non-strictly and evaluate a half-random model
            check_checkpoint_for_model(
                cfg, runner.model, args.checkpoint,
                fix=f'The checkpoint was made with another model than config {args.config} builds: pass the '
                    '--cfg-options used in training, or --partial to evaluate anyway.')
    except (CheckpointMismatchError, UnsafeCheckpointError, CheckpointReadError, DataCheckError) as e:
        sys.exit(f'error: {type(e).__name__}: {e}')
    if out_pickle:
        from mmengine.evaluator import DumpResults
        runner.test_evaluator.metrics.append(DumpResults(out_file_path=args.out))
    metrics = runner.test()
    # <work_dir>/metrics.json (read by tools/reproduce.py) and one JSON line, for scripts (numpy scalars become
    # plain numbers)
    metrics = {k: v.item() if hasattr(v, 'item') else v for k, v in metrics.items()}
    if is_main_process():
        write_json(osp.join(cfg.work_dir, 'metrics.json'), metrics)
    print(json.dumps(metrics))


if __name__ == '__main__':
    main()
