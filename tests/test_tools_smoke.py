"""tools/train.py -> checkpoint -> --resume -> tools/test.py for each task, as a user runs them."""
import json
import math
import os
import os.path as osp
import shutil
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


@pytest.fixture(scope='module')
def classifier_work_dir(synthetic_root, tmp_path_factory):
    """The classification smoke config trained for 4 iterations: the classifier that feeds the
    detection and segmentation backbones (paper Section 6)."""
    work = str(tmp_path_factory.mktemp('cls'))
    assert_ok(run_tool(['tools/train.py', SMOKE['cls'][0], '--work-dir', work], {'DATA_ROOT': synthetic_root}))
    assert osp.isfile(osp.join(work, 'iter_4.pth'))
    return work


def _init_from(checkpoint):
    return ['--cfg-options', 'model.backbone.init_cfg.type=Pretrained',
            f'model.backbone.init_cfg.checkpoint={checkpoint}', 'model.backbone.init_cfg.prefix=backbone.']


@pytest.mark.parametrize('task', sorted(SMOKE))
def test_train_resume_test(task, synthetic_root, classifier_work_dir, tmp_path):
    """classifier -> checkpoint -> detector/segmentor initialised from it -> resume -> tools/test.py."""
    config, key = SMOKE[task]
    env = {'DATA_ROOT': synthetic_root}
    work = str(tmp_path / task)
    if task == 'cls':
        shutil.copytree(classifier_work_dir, work)
    else:
        trained = run_tool(['tools/train.py', config, '--work-dir', work] +
                           _init_from(osp.join(classifier_work_dir, 'iter_4.pth')), env)
        assert_ok(trained)
        assert 'loaded all' in trained.stdout + trained.stderr  # every backbone tensor came from it
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
    with open(tmp_path / 'test' / 'metrics.json') as f:  # what tools/reproduce.py reads
        assert json.load(f) == metrics
    assert osp.getsize(out) > 0

    # --out FOLDER: mmseg's form, one predicted label PNG per test image; other tasks say what --out takes
    folder = str(tmp_path / 'pred_png')
    tested = run_tool(['tools/test.py', config, osp.join(work, 'iter_6.pth'), '--work-dir',
                       str(tmp_path / 'test_png'), '--out', folder], env)
    if task != 'seg':
        assert tested.returncode != 0 and '.pkl or .pickle file' in tested.stderr
        return
    assert_ok(tested)
    pngs = sorted(os.listdir(folder))
    images = sorted(os.listdir(osp.join(synthetic_root, 'ADEChallengeData2016', 'images', 'validation')))
    assert pngs == [osp.splitext(f)[0] + '.png' for f in images]
    import cv2
    for png, image in zip(pngs, images):
        label = cv2.imread(osp.join(folder, png), cv2.IMREAD_UNCHANGED)
        ref = cv2.imread(osp.join(synthetic_root, 'ADEChallengeData2016', 'images', 'validation', image))
        assert label.ndim == 2 and label.shape == ref.shape[:2]


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


def test_mismatched_classifier_checkpoint_stops_training(synthetic_root, classifier_work_dir, tmp_path):
    """A ResNet-18 classifier cannot initialise a ResNet-34 detector backbone: the error lists the keys
    and names the checkpoint and the config (mmengine's Pretrained would only log)."""
    config = SMOKE['det'][0]
    ckpt = osp.join(classifier_work_dir, 'iter_4.pth')
    proc = run_tool(['tools/train.py', config, '--work-dir', str(tmp_path)] + _init_from(ckpt) +
                    ['model.backbone.depth=34'], {'DATA_ROOT': synthetic_root})
    assert proc.returncode != 0
    err = proc.stderr
    assert 'CheckpointMismatchError' in err and config in err and ckpt in err
    assert 'missing in checkpoint' in err and 'layer1.2.conv1.weight' in err


def test_test_tool_refuses_a_checkpoint_of_another_model(synthetic_root, classifier_work_dir, tmp_path):
    """tools/test.py evaluates exactly the trained model: a ResNet-D checkpoint in a ResNet-B config
    is an error listing the keys (mmengine alone would evaluate a half-random model)."""
    ckpt = osp.join(classifier_work_dir, 'iter_4.pth')
    proc = run_tool(['tools/test.py', SMOKE['cls'][0], ckpt, '--work-dir', str(tmp_path),
                     '--cfg-options', 'model.backbone.variant=B'], {'DATA_ROOT': synthetic_root})
    assert proc.returncode != 0
    assert f'checkpoint {ckpt} does not fit the model' in proc.stderr
    assert 'backbone.stem.0.weight: checkpoint (32, 3, 3, 3) vs model (64, 3, 7, 7)' in proc.stderr
    assert '--partial' in proc.stderr
