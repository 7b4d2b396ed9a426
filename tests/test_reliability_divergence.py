"""Divergence guard (issue 12, item 1): a run whose loss or gradient norm becomes non-finite stops
within that iteration with a non-zero exit, says where and why, and leaves only finite checkpoints,
the last of which is the resume point."""
import math
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
from mmengine.optim import OptimWrapper

from conftest import run_tool
from tricks_mm.engine.hooks.divergence import DivergenceError, DivergenceGuardHook

CLS = 'configs/smoke/resnet18-d_synthetic-cls_smoke.py'


def _runner(tmp_path, wrapper, it=2):
    return SimpleNamespace(optim_wrapper=wrapper, iter=it, epoch=0, work_dir=str(tmp_path))


def _wrapper(lr=0.1):
    param = torch.nn.Parameter(torch.ones(3))
    return OptimWrapper(optimizer=torch.optim.SGD([param], lr=lr)), param


def test_non_finite_loss_term_stops_with_iteration_terms_lr_and_hint(tmp_path):
    wrapper, _ = _wrapper(lr=0.25)
    hook = DivergenceGuardHook()
    runner = _runner(tmp_path, wrapper)
    hook.after_train_iter(runner, 2, outputs={'loss': torch.tensor(1.5), 'acc': torch.tensor(50.)})  # fine
    with pytest.raises(DivergenceError) as err:
        hook.after_train_iter(runner, 2, outputs={'loss_cls': torch.tensor(float('nan')),
                                                  'loss_bbox': torch.tensor(0.5), 'loss': torch.tensor(math.inf)})
    text = str(err.value)
    assert 'iteration 3' in text and "['loss', 'loss_cls']" in text and 'loss_bbox=0.5' in text
    assert 'lr=0.25' in text and 'warmup' in text and '--amp' in text and 'divergence_guard=False' in text


def test_non_finite_gradient_with_finite_loss_is_caught_before_the_step(tmp_path):
    wrapper, param = _wrapper()
    hook = DivergenceGuardHook()
    runner = _runner(tmp_path, wrapper)
    hook.before_train(runner)
    hook.before_train_iter(runner, 0)
    param.grad = torch.tensor([1., float('inf'), 0.])
    wrapper.step()
    with pytest.raises(DivergenceError, match='non-finite gradient norm'):
        hook.after_train_iter(runner, 0, outputs={'loss': torch.tensor(0.1)})
    hook.after_train(runner)  # unwraps
    assert 'guarded_step' not in getattr(wrapper.step, '__name__', '')


def test_nan_run_stops_at_once_keeps_good_checkpoints_and_exits_non_zero(synthetic_root, tmp_path):
    work = str(tmp_path / 'nan')
    proc = run_tool(['tools/train.py', CLS, '--work-dir', work, '--cfg-options', 'optim_wrapper.optimizer.lr=1e30',
                     'train_cfg.max_iters=6', 'train_cfg.val_interval=6', 'default_hooks.checkpoint.interval=1'],
                    {'DATA_ROOT': synthetic_root})
    assert proc.returncode != 0, proc.stdout[-3000:]
    err = proc.stderr
    assert 'DivergenceError: training diverged at iteration' in err, err[-3000:]
    stop = int(err.split('diverged at iteration ')[1].split()[0])
    assert 1 <= stop <= 6 and 'learning rate: lr=1e+30' in err
    # every checkpoint written holds finite weights; none was written at or after the diverged iteration
    saved = sorted(int(f[5:-4]) for f in __import__('os').listdir(work) if f.startswith('iter_'))
    assert saved == list(range(1, stop))
    for k in saved:
        state = torch.load(osp.join(work, f'iter_{k}.pth'), map_location='cpu', weights_only=False)['state_dict']
        assert all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point())
    if saved:
        with open(osp.join(work, 'last_checkpoint')) as f:
            assert f.read().strip().endswith(f'iter_{saved[-1]}.pth')
        assert f'iter_{saved[-1]}.pth' in err  # named as the resume point


def test_guard_can_be_switched_off(synthetic_root, tmp_path):
    proc = run_tool(['tools/train.py', CLS, '--work-dir', str(tmp_path), '--cfg-options',
                     'optim_wrapper.optimizer.lr=1e30', 'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
                     'divergence_guard=False'], {'DATA_ROOT': synthetic_root})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'DivergenceError' not in proc.stderr
