"""AdaBound / AMSBound (Luo, Xiong, Liu and Sun, "Adaptive Gradient Methods with Dynamic Bound of Learning
Rate", ICLR 2019, arXiv:1902.09843), Algorithm 2, in the form of the authors' release (github.com/Luolc/AdaBound):

    g_t = grad + wd * x_{t-1}                      (L2 weight decay, coupled, as Adam's)
    m_t = b1 m_{t-1} + (1 - b1) g_t,   v_t = b2 v_{t-1} + (1 - b2) g_t^2    (AMSBound: v_t = max(v_{t-1}^, v_t))
    eta_t = clip(lr * sqrt(1 - b2^t) / (1 - b1^t) / (sqrt(v_t) + eps), eta_l(t), eta_u(t))   (elementwise)
    x_t = x_{t-1} - eta_t * m_t
    eta_l(t) = final_lr * (1 - 1 / (gamma t + 1)),   eta_u(t) = final_lr * (1 + 1 / (gamma t))

so the step starts as Adam's and ends as SGD's with ``final_lr``. ``final_lr`` follows the schedule: it is
scaled by ``lr / base_lr`` (the group's lr when the optimizer was made), as in the authors' code, so warmup and
cosine decay act on both ends. Differences from the paper's Algorithm 2, all as in the authors' code (the
numbers of the paper's experiments): Adam's bias corrections instead of the paper's ``eta_t / sqrt(t)`` and
``b1t``, and ``eps`` added to ``sqrt(v_t)``.
"""
import math

import torch
from torch.optim import Optimizer

from tricks_mm.registry import OPTIMIZERS


@OPTIMIZERS.register_module()
class AdaBound(Optimizer):
    """``optimizer=dict(type='tricks_mm.AdaBound', lr=1e-3, final_lr=0.1, gamma=1e-3, ...)``.

    Args:
        params: parameters or parameter groups.
        lr: Adam's step size alpha (paper: 1e-3).
        betas: (b1, b2) (paper: 0.9, 0.999).
        final_lr: the SGD learning rate both bounds converge to (paper: 0.1), at ``lr``.
        gamma: convergence speed of the bounds (paper: 1e-3).
        eps: added to ``sqrt(v_t)`` (1e-8).
        weight_decay: L2 penalty added to the gradient.
        amsbound: AMSBound (the maximum of all ``v_t`` so far).
    """

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), final_lr: float = 0.1, gamma: float = 1e-3,
                 eps: float = 1e-8, weight_decay: float = 0.0, amsbound: bool = False):
        checks = [(lr > 0, f'lr must be > 0, got {lr}'),
                  (0 <= betas[0] < 1 and 0 <= betas[1] < 1, f'betas must be in [0, 1), got {betas}'),
                  (final_lr > 0, f'final_lr must be > 0, got {final_lr}'),
                  (gamma > 0, f'gamma must be > 0, got {gamma}'),
                  (eps >= 0, f'eps must be >= 0, got {eps}'),
                  (weight_decay >= 0, f'weight_decay must be >= 0, got {weight_decay}')]
        for ok, message in checks:
            if not ok:
                raise ValueError(f'AdaBound: {message}')
        defaults = dict(lr=lr, betas=tuple(betas), final_lr=final_lr, gamma=gamma, eps=eps,
                        weight_decay=weight_decay, amsbound=amsbound)
        super().__init__(params, defaults)
        for group in self.param_groups:  # saved with the state dict, so a resumed run keeps the ratio
            if group['lr'] <= 0:
                raise ValueError(f'AdaBound: every parameter group needs lr > 0 at construction (the reference '
                                 f'of final_lr), got {group["lr"]}')
            group.setdefault('base_lr', group['lr'])

    @staticmethod
    def bounds(final_lr: float, gamma: float, step: int):
        """``(eta_l(t), eta_u(t))`` for step t >= 1."""
        return final_lr * (1 - 1 / (gamma * step + 1)), final_lr * (1 + 1 / (gamma * step))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            final_lr = group['final_lr'] * group['lr'] / group['base_lr']
            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad
                if grad.is_sparse:
                    raise RuntimeError('AdaBound does not support sparse gradients')
                state = self.state[p]
                if not state:
                    state['step'] = 0
                    state['exp_avg'] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state['exp_avg_sq'] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    if group['amsbound']:
                        state['max_exp_avg_sq'] = torch.zeros_like(p, memory_format=torch.preserve_format)
                state['step'] += 1
                t = state['step']
                if group['weight_decay'] != 0:
                    grad = grad.add(p, alpha=group['weight_decay'])
                exp_avg, exp_avg_sq = state['exp_avg'], state['exp_avg_sq']
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                if group['amsbound']:
                    torch.maximum(state['max_exp_avg_sq'], exp_avg_sq, out=state['max_exp_avg_sq'])
                    denom = state['max_exp_avg_sq'].sqrt().add_(group['eps'])
                else:
                    denom = exp_avg_sq.sqrt().add_(group['eps'])
                step_size = group['lr'] * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
                lower, upper = self.bounds(final_lr, group['gamma'], t)
                eta = torch.full_like(denom, step_size).div_(denom).clamp_(lower, upper)
                p.add_(-eta * exp_avg)
        return loss
