"""Exact resume (issue 12, item 2): for the smoke classifier, detector and segmentor, a run stopped
at iteration 2 and resumed with ``--resume`` ends bit-identical to an uninterrupted 4-iteration run
on the CPU. Checkpoints carry torch/numpy/python generator states (tricks_mm.RNGStateHook); without
them mmdet's RoI sampler and FCN's dropout draw other numbers after the resume."""
import os
import os.path as osp
import random
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch

from conftest import REPO, assert_ok, run_tool
from tricks_mm.checkpoint import safe_torch_load
from tricks_mm.engine.hooks.rng_state import get_rng_state, set_rng_state

SMOKE = {
    'cls': 'configs/smoke/resnet18-d_synthetic-cls_smoke.py',
    'det': 'configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py',
    'seg': 'configs/smoke/fcn_r18-d8_synthetic-ade_smoke.py',
}
OPTIONS = ['--cfg-options', 'train_cfg.max_iters=4', 'train_cfg.val_interval=2',
           'default_hooks.checkpoint.interval=2']


def _draws():
    return torch.rand(3).tolist(), np.random.rand(3).tolist(), [random.random() for _ in range(3)]


def test_rng_state_round_trip_through_a_weights_only_checkpoint(tmp_path):
    torch.manual_seed(1), np.random.seed(1), random.seed(1)
    np.random.randn()  # a cached gaussian is part of numpy's state
    state = get_rng_state()
    expected = _draws()
    path = str(tmp_path / 'rng.pth')
    torch.save({'rng_state': state}, path)
    _draws()
    set_rng_state(safe_torch_load(path)['rng_state'])  # the allow-listed loader accepts it as is
    assert _draws() == expected


@pytest.fixture(scope='module')
def straight_run(synthetic_root, tmp_path_factory):
    """``straight_run(task)``: the work dir of an uninterrupted 4-iteration run (made once per task)."""
    done = {}

    def get(task):
        if task not in done:
            work = str(tmp_path_factory.mktemp(f'straight_{task}'))
            assert_ok(run_tool(['tools/train.py', SMOKE[task], '--work-dir', work] + OPTIONS,
                               {'DATA_ROOT': synthetic_root, 'OMP_NUM_THREADS': '1'}))
            done[task] = work
        return done[task]
    return get


def _assert_same_weights(straight, resumed):
    a = torch.load(osp.join(straight, 'iter_4.pth'), map_location='cpu', weights_only=False)['state_dict']
    b = torch.load(osp.join(resumed, 'iter_4.pth'), map_location='cpu', weights_only=False)['state_dict']
    assert a.keys() == b.keys()
    differ = {k: (a[k].double() - b[k].double()).abs().max().item() for k in a if not torch.equal(a[k], b[k])}
    assert not differ, f'{len(differ)} tensors differ after resume, e.g. {dict(list(differ.items())[:3])}'


@pytest.mark.parametrize('task', sorted(SMOKE))
def test_stopped_and_resumed_run_is_bit_identical(task, synthetic_root, straight_run, tmp_path):
    env = {'DATA_ROOT': synthetic_root, 'OMP_NUM_THREADS': '1'}
    straight, resumed = straight_run(task), str(tmp_path / 'resumed')
    first = torch.load(osp.join(straight, 'iter_2.pth'), map_location='cpu', weights_only=False)
    assert set(first['rng_state']) >= {'torch', 'numpy', 'python'}

    # the run stopped after iteration 2: only its checkpoint survives; resume it to iteration 4
    os.makedirs(resumed)
    shutil.copy(osp.join(straight, 'iter_2.pth'), osp.join(resumed, 'iter_2.pth'))
    proc = run_tool(['tools/train.py', SMOKE[task], '--work-dir', resumed, '--resume',
                     osp.join(resumed, 'iter_2.pth')] + OPTIONS, env)
    assert_ok(proc)
    assert 'resumed epoch: 0, iter: 2' in proc.stdout + proc.stderr

    _assert_same_weights(straight, resumed)


def test_detector_killed_with_sigkill_then_resumed_is_bit_identical(synthetic_root, straight_run, tmp_path):
    """kill -9 right after the iteration-2 checkpoint (during validation), then ``--resume`` alone."""
    env = dict(os.environ, PYTHONPATH=REPO, DATA_ROOT=synthetic_root, OMP_NUM_THREADS='1')
    work = str(tmp_path / 'killed')
    cmd = [sys.executable, 'tools/train.py', SMOKE['det'], '--work-dir', work] + OPTIONS
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.time() + 600
        while not osp.isfile(osp.join(work, 'last_checkpoint')) and proc.poll() is None and time.time() < end:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL and not osp.isfile(osp.join(work, 'iter_4.pth'))
    assert_ok(run_tool(['tools/train.py', SMOKE['det'], '--work-dir', work, '--resume'] + OPTIONS,
                       {'DATA_ROOT': synthetic_root, 'OMP_NUM_THREADS': '1'}))
    _assert_same_weights(straight_run('det'), work)


def test_resume_from_a_checkpoint_without_rng_state_says_so(monkeypatch):
    import tricks_mm.engine.hooks.rng_state as module
    logged = []
    monkeypatch.setattr(module, 'print_log', lambda msg, **kw: logged.append(msg))
    hook = module.RNGStateHook()
    runner = type('R', (), {'_resume': True, 'cfg': {}})()
    hook.after_load_checkpoint(runner, {'meta': {}, 'state_dict': {}})
    assert logged and 'not bit-identical' in logged[0]
    hook.after_load_checkpoint(runner, {'rng_state': get_rng_state()})
    assert len(logged) == 1


def test_config_text_in_checkpoint_meta_is_not_run_on_resume(tmp_path, monkeypatch):
    import tricks_mm.engine.hooks.rng_state as module
    monkeypatch.setattr(module, 'print_log', lambda msg, **kw: None)
    marker = tmp_path / 'ran'
    checkpoint = {'meta': {'config': f"open({str(marker)!r}, 'w').close()\ngpu_ids = [0]\n"},
                  'rng_state': get_rng_state()}
    module.RNGStateHook().after_load_checkpoint(type('R', (), {'_resume': True, 'cfg': {}})(), checkpoint)
    assert 'config' not in checkpoint['meta']  # mmengine's Runner.resume would Config.fromstring() it
    assert not marker.exists()


def test_epoch_based_classifier_resumed_at_an_epoch_is_bit_identical(synthetic_root, tmp_path):
    """The epoch-based loop (the paper's ImageNet schedules): generator states restored before the next
    epoch's loader starts; without them the resumed epoch's crops would come from a freshly seeded numpy."""
    config = tmp_path / 'cls_epochs.py'
    config.write_text(f"_base_ = [{osp.join(REPO, SMOKE['cls'])!r}]\n"
                      "train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop', max_epochs=2, val_interval=1)\n"
                      "default_hooks = dict(checkpoint=dict(by_epoch=True, interval=1))\n"
                      "train_dataloader = dict(batch_size=16)\n")
    env = {'DATA_ROOT': synthetic_root, 'OMP_NUM_THREADS': '1'}
    straight, resumed = str(tmp_path / 'straight'), str(tmp_path / 'resumed')
    assert_ok(run_tool(['tools/train.py', str(config), '--work-dir', straight], env))
    os.makedirs(resumed)
    shutil.copy(osp.join(straight, 'epoch_1.pth'), resumed)
    proc = run_tool(['tools/train.py', str(config), '--work-dir', resumed, '--resume',
                     osp.join(resumed, 'epoch_1.pth')], env)
    assert_ok(proc)
    assert 'resumed epoch: 1' in proc.stdout + proc.stderr
    a = torch.load(osp.join(straight, 'epoch_2.pth'), map_location='cpu', weights_only=False)['state_dict']
    b = torch.load(osp.join(resumed, 'epoch_2.pth'), map_location='cpu', weights_only=False)['state_dict']
    assert [k for k in a if not torch.equal(a[k], b[k])] == []
