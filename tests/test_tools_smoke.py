"""tools/train.py -> checkpoint -> --resume -> tools/test.py for each task, as a user runs them."""
import json
import math
import os
import os.path as osp
import socket

import pytest
import torch

from conftest import assert_ok, run_tool

SMOKE = {
    'cls': ('configs/smoke/resnet18-d_synthetic-cls_smoke.py', 'accuracy/top1'),
    'det': ('configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py', 'pascal_voc/mAP'),
    'seg': ('configs/smoke/fcn_r18-d8_synthetic-ade_smoke.py', 'mIoU'),
}


def _metrics(stdout):
    line = [ln for ln in stdout.splitlines() if ln.startswith('{')][-1]
    return json.loads(line)


@pytest.mark.parametrize('task', sorted(SMOKE))
def test_train_resume_test(task, synthetic_root, tmp_path):
    config, key = SMOKE[task]
    env = {'DATA_ROOT': synthetic_root}
    work = str(tmp_path / task)
    assert_ok(run_tool(['tools/train.py', config, '--work-dir', work], env))
    assert osp.isfile(osp.join(work, 'iter_4.pth'))

    resumed = run_tool(['tools/train.py', config, '--work-dir', work, '--resume',
                        '--cfg-options', 'train_cfg.max_iters=6', 'train_cfg.val_interval=6'], env)
    assert_ok(resumed)
    assert 'resumed epoch: 0, iter: 4' in resumed.stdout + resumed.stderr
    ckpt = torch.load(osp.join(work, 'iter_6.pth'), map_location='cpu', weights_only=False)
    assert ckpt['meta']['iter'] == 6

    out = str(tmp_path / 'preds.pkl')
    tested = run_tool(['tools/test.py', config, osp.join(work, 'iter_6.pth'), '--work-dir',
                       str(tmp_path / 'test'), '--out', out], env)
    assert_ok(tested)
    metrics = _metrics(tested.stdout)
    assert key in metrics and math.isfinite(metrics[key]), metrics
    assert osp.getsize(out) > 0


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_torchrun_two_processes_train_detection(synthetic_root, tmp_path):
    """Multi-process training really works: 2 CPU processes, gloo, through mmengine's launcher."""
    config = SMOKE['det'][0]
    work = str(tmp_path / 'dist')
    proc = run_tool(['-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port',
                     str(_free_port()), 'tools/train.py', config, '--launcher', 'pytorch',
                     '--work-dir', work, '--cfg-options', 'train_cfg.max_iters=2', 'train_cfg.val_interval=2'],
                    {'DATA_ROOT': synthetic_root, 'OMP_NUM_THREADS': '1'})
    assert_ok(proc)
    log = proc.stdout + proc.stderr
    assert "'world_size': 2" in log or 'world_size: 2' in log or 'Distributed training: True' in log
    assert osp.isfile(osp.join(work, 'iter_2.pth'))


def test_missing_config_and_bad_resume_are_clear(tmp_path):
    proc = run_tool(['tools/train.py', 'configs/nope.py'])
    assert proc.returncode != 0 and 'config file configs/nope.py does not exist' in proc.stderr
    proc = run_tool(['tools/train.py', SMOKE['cls'][0], '--resume', str(tmp_path / 'missing.pth')])
    assert proc.returncode != 0 and 'does not exist' in proc.stderr
