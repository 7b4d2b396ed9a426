"""Stop training at the first non-finite loss or gradient norm (a diverged run), before it is saved.

A learning rate too high for the batch size (paper Section 3.1: linear scaling, warmup) can make the
loss NaN within a few iterations; mmengine then trains on, saves NaN checkpoints, evaluates 0 and
exits 0. :class:`DivergenceGuardHook` checks every iteration:

* every loss term the model logs (the ``outputs`` of ``train_step``) is finite;
* the global gradient norm, measured in the optimizer wrapper's ``step`` before the update
  (with ``AmpOptimWrapper``'s dynamic loss scaling an inf gradient is expected and skipped by the
  scaler, so only the loss is checked there);

and raises :class:`DivergenceError` (iteration, loss terms, lr, gradient norm, a hint) from
``after_train_iter`` with a priority above ``CheckpointHook``'s, so no checkpoint of the diverged
weights is written: ``last_checkpoint`` still names the last good one, the resume point.
``tools/train.py`` adds the hook to every config unless it sets ``divergence_guard = False``.
"""
import math
from typing import Dict, Optional

import torch
from mmengine.hooks import Hook

from tricks_mm.registry import HOOKS


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss or gradient norm."""


def _as_float(value) -> Optional[float]:
    if isinstance(value, torch.Tensor):
        return value.detach().float().mean().item() if value.numel() else None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def grad_norm(params) -> float:
    """Global L2 norm of the gradients of ``params`` (those that have one)."""
    grads = [p.grad.detach() for p in params if p.grad is not None]
    if not grads:
        return 0.0
    return torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(g.float()) for g in grads])).item()


@HOOKS.register_module()
class DivergenceGuardHook(Hook):
    """Raise :class:`DivergenceError` at the first non-finite loss term or gradient norm.

    Args:
        check_grad_norm: also measure the global gradient norm before each optimizer step.
    """

    priority = 'VERY_HIGH'  # before LoggerHook/ParamSchedulerHook/CheckpointHook in after_train_iter

    def __init__(self, check_grad_norm: bool = True):
        self.check_grad_norm = check_grad_norm
        self._grad_norm = None
        self._wrapped = []

    def before_train(self, runner) -> None:
        if not self.check_grad_norm:
            return
        wrappers = runner.optim_wrapper
        wrappers = list(wrappers.values()) if hasattr(wrappers, 'optim_wrappers') else [wrappers]
        for wrapper in wrappers:
            if hasattr(wrapper, 'loss_scaler'):  # fp16 loss scaling: inf gradients are skipped by design
                continue
            self._wrap_step(wrapper)

    def _wrap_step(self, wrapper) -> None:
        step = wrapper.step

        def guarded_step(**kwargs):
            params = [p for group in wrapper.optimizer.param_groups for p in group['params']]
            norm = grad_norm(params)
            self._grad_norm = norm if self._grad_norm is None or not math.isfinite(norm) else max(
                self._grad_norm, norm)
            return step(**kwargs)

        if getattr(step, '_with_counter', False):  # mmengine's schedulers count steps through this mark
            guarded_step._with_counter = True
        wrapper.step = guarded_step
        self._wrapped.append((wrapper, step))

    def after_train(self, runner) -> None:
        for wrapper, step in self._wrapped:
            wrapper.step = step
        self._wrapped = []

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        self._grad_norm = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        terms: Dict[str, Optional[float]] = {k: _as_float(v) for k, v in (outputs or {}).items()}
        bad = sorted(k for k, v in terms.items() if v is not None and not math.isfinite(v))
        norm = self._grad_norm
        if not bad and (norm is None or math.isfinite(norm)):
            return
        raise DivergenceError(self._message(runner, terms, bad, norm))

    @staticmethod
    def _message(runner, terms, bad, norm) -> str:
        lrs = runner.optim_wrapper.get_lr()
        lr = ', '.join(f'{k}={v[0]:.6g}' for k, v in lrs.items()) if isinstance(lrs, dict) else str(lrs)
        what = f'non-finite loss terms {bad}' if bad else 'a non-finite gradient norm'
        loss_text = ', '.join(f'{k}={v:.6g}' for k, v in terms.items() if v is not None)
        last = _last_checkpoint(runner.work_dir)
        resume = (f'The last good checkpoint is {last} (nothing was saved after the divergence): fix the '
                  'cause and run the same command with --resume to continue from it.' if last else
                  'No checkpoint was saved before the divergence; start again after fixing the cause.')
        return (f'training diverged at iteration {runner.iter + 1} (epoch {runner.epoch + 1}): {what}.\n'
                f'  loss terms: {loss_text or "none logged"}\n'
                f'  gradient norm: {norm if norm is not None else "not measured"}\n'
                f'  learning rate: {lr}\n'
                'Hint: lower the learning rate (optim_wrapper.optimizer.lr; paper Section 3.1 scales it '
                'as 0.1 x batch/256), add or lengthen warmup (tricks_mm.LinearWarmupLR), add gradient '
                'clipping (optim_wrapper.clip_grad=dict(max_norm=...)), or train without --amp.\n'
                f'{resume}\n'
                'To train on regardless, set divergence_guard=False in the config.')


def _last_checkpoint(work_dir: str) -> Optional[str]:
    import os.path as osp
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return f.read().strip() or None
