"""AdaBound / AMSBound (Luo et al., ICLR 2019) against a hand computation of the update rule, step by step.

The reference below is the paper's Algorithm 2 in the authors' released form (Adam's bias corrections, eps on
sqrt(v), final_lr scaled by lr / base_lr), written element by element in plain Python floats: no tensor code of
the optimizer is reused. Gradients come from a fixed quadratic, so the reference and the optimizer see the same
gradient at the same point only if their earlier steps agreed.
"""
import math

import pytest
import torch
from mmengine.optim import build_optim_wrapper

import tricks_mm  # noqa: F401
import tricks_mm.engine  # noqa: F401
from tricks_mm.engine.optimizers import AdaBound

# f(x) = sum_i c_i x_i^2 / 2 + d_i x_i: gradient c_i x_i + d_i. Elements chosen so the step size of some is
# clipped at the upper bound (tiny gradients), some at the lower bound (huge ones) and some not at all.
X0 = [0.5, -1.0, 2.0, 0.25, -3.0]
C = [1.0, 0.001, 50.0, 2.0, 0.5]
D = [0.0, 0.0005, 20.0, -0.3, 0.1]


def _grad(x):
    return [c * xi + d for c, xi, d in zip(C, x, D)]


def _reference(steps, lr, final_lr, gamma, betas=(0.9, 0.999), eps=1e-8, wd=0.0, amsbound=False, lrs=None,
               scale_final=True):
    """Parameters after each step, and the set of (element, 'lower' | 'upper' | 'none'): which bound clipped."""
    b1, b2 = betas
    x = list(X0)
    m, v, vmax = [0.0] * len(x), [0.0] * len(x), [0.0] * len(x)
    history, clipped = [], set()
    for t in range(1, steps + 1):
        cur_lr = lrs[t - 1] if lrs else lr
        fl = final_lr * cur_lr / lr if scale_final else final_lr  # final_lr follows the schedule
        lower = fl * (1 - 1 / (gamma * t + 1))
        upper = fl * (1 + 1 / (gamma * t))
        g = [gi + wd * xi for gi, xi in zip(_grad(x), x)]
        for i in range(len(x)):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            vmax[i] = max(vmax[i], v[i])
            denom = math.sqrt(vmax[i] if amsbound else v[i]) + eps
            step = cur_lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t) / denom
            clipped.add((i, 'lower' if step < lower else 'upper' if step > upper else 'none'))
            step = min(max(step, lower), upper)
            x[i] -= step * m[i]
        history.append(list(x))
    return history, clipped


def _run(steps, lrs=None, **kwargs):
    p = torch.nn.Parameter(torch.tensor(X0, dtype=torch.float64))
    opt = AdaBound([p], **kwargs)
    c, d = torch.tensor(C, dtype=torch.float64), torch.tensor(D, dtype=torch.float64)
    out = []
    for t in range(steps):
        if lrs:
            opt.param_groups[0]['lr'] = lrs[t]
        opt.zero_grad()
        (0.5 * (c * p * p).sum() + (d * p).sum()).backward()
        opt.step()
        out.append(p.detach().tolist())
    return out, opt


CASES = {
    'adabound': dict(lr=1e-3, final_lr=0.1, gamma=0.1),
    'weight decay': dict(lr=1e-3, final_lr=0.1, gamma=0.1, weight_decay=1e-3),
    # larger steps and beta2 0.9: v_t falls within the 8 steps as the gradients shrink, so max(v) is not v
    'amsbound': dict(lr=0.05, final_lr=0.5, gamma=0.1, betas=(0.9, 0.9), amsbound=True),
    'paper defaults': dict(lr=1e-3, final_lr=0.1, gamma=1e-3),
}


@pytest.mark.parametrize('case', list(CASES), ids=list(CASES))
def test_steps_match_the_hand_computation(case):
    kwargs = CASES[case]
    ref_kwargs = dict(lr=kwargs['lr'], final_lr=kwargs['final_lr'], gamma=kwargs['gamma'],
                      betas=kwargs.get('betas', (0.9, 0.999)), wd=kwargs.get('weight_decay', 0.0),
                      amsbound=kwargs.get('amsbound', False))
    expected, clipped = _reference(8, **ref_kwargs)
    got, _ = _run(8, **kwargs)
    for t, (e, g) in enumerate(zip(expected, got)):
        assert g == pytest.approx(e, rel=1e-12, abs=1e-14), f'step {t + 1}'
    if kwargs['gamma'] == 0.1:  # all three regimes occur, and the clipping changes the result
        assert {kind for _, kind in clipped} == {'lower', 'upper', 'none'}
        unclipped, _ = _reference(8, **dict(ref_kwargs, gamma=1e-12))
        assert max(abs(a - b) for a, b in zip(unclipped[-1], expected[-1])) > 1e-3


def test_weight_decay_and_amsbound_change_the_steps():
    """The variants are distinguishable (so the test above checks each of them)."""
    for case, option in (('weight decay', 'weight_decay'), ('amsbound', 'amsbound')):
        base, _ = _run(8, **{k: v for k, v in CASES[case].items() if k != option})
        other, _ = _run(8, **CASES[case])
        assert max(abs(a - b) for a, b in zip(base[-1], other[-1])) > 1e-4, case


def test_final_lr_follows_the_schedule():
    """The authors' code: final_lr x lr / base_lr, so a scheduler's decay moves both bounds."""
    lrs = [1e-3, 1e-3, 5e-4, 5e-4, 2e-4, 2e-4, 1e-4, 1e-4]
    kwargs = dict(lr=1e-3, final_lr=0.1, gamma=0.1)
    expected, _ = _reference(8, lrs=lrs, **kwargs)
    got, opt = _run(8, lrs=lrs, **kwargs)
    assert got[-1] == pytest.approx(expected[-1], rel=1e-12, abs=1e-14)
    fixed, _ = _reference(8, lrs=lrs, scale_final=False, **kwargs)  # the bounds ignoring the schedule
    assert max(abs(a - b) for a, b in zip(fixed[-1], expected[-1])) > 1e-3
    assert opt.param_groups[0]['base_lr'] == 1e-3


@pytest.mark.parametrize('beta1', [0.0, 0.9])
def test_large_gamma_is_sgd_with_final_lr(beta1):
    """gamma -> inf: both bounds equal final_lr from the first step, the update is final_lr * m_t; with
    beta1 = 0 that is plain SGD with lr final_lr (torch.optim.SGD), with beta1 = 0.9 SGD on the EMA of g."""
    final_lr = 0.05
    got, _ = _run(10, lr=1e-3, final_lr=final_lr, gamma=1e15, betas=(beta1, 0.999))
    x = torch.nn.Parameter(torch.tensor(X0, dtype=torch.float64))
    sgd = torch.optim.SGD([x], lr=final_lr)
    c, d = torch.tensor(C, dtype=torch.float64), torch.tensor(D, dtype=torch.float64)
    m = torch.zeros_like(x)
    for t in range(10):
        sgd.zero_grad()
        (0.5 * (c * x * x).sum() + (d * x).sum()).backward()
        if beta1:  # m_t = b1 m + (1 - b1) g, then x -= final_lr * m_t
            m = beta1 * m + (1 - beta1) * x.grad
            x.grad.copy_(m)
        sgd.step()
        assert got[t] == pytest.approx(x.detach().tolist(), rel=1e-9, abs=1e-12), f'step {t + 1}'
    adam_like, _ = _run(10, lr=1e-3, final_lr=final_lr, gamma=1e-3, betas=(beta1, 0.999))
    assert max(abs(a - b) for a, b in zip(adam_like[-1], got[-1])) > 1e-3  # small gamma is not SGD yet


def test_built_from_a_config_with_paramwise_cfg():
    """`optimizer=dict(type='tricks_mm.AdaBound', ...)` through mmengine's optimizer wrapper builder, with the
    protocol's no-bias-decay groups; the state dict keeps base_lr."""
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Flatten(),
                                torch.nn.LazyLinear(2))
    model(torch.zeros(1, 3, 5, 5))
    wrapper = build_optim_wrapper(model, dict(
        type='OptimWrapper',
        optimizer=dict(type='tricks_mm.AdaBound', lr=2.5e-4, final_lr=0.025, gamma=1e-3, weight_decay=1e-4),
        paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.)))
    opt = wrapper.optimizer
    assert isinstance(opt, AdaBound)
    decays = sorted({g['weight_decay'] for g in opt.param_groups})
    assert decays == [0.0, 1e-4] and all(g['base_lr'] == 2.5e-4 for g in opt.param_groups)
    model(torch.randn(2, 3, 5, 5)).sum().backward()
    wrapper.step()
    state = opt.state_dict()
    fresh = AdaBound([dict(params=g['params']) for g in opt.param_groups], lr=1.0, final_lr=1.0)
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]['base_lr'] == 2.5e-4 and fresh.param_groups[0]['final_lr'] == 0.025


@pytest.mark.parametrize('kwargs, message', [
    (dict(lr=0.0), 'lr must be > 0'), (dict(final_lr=-1.0), 'final_lr must be > 0'),
    (dict(gamma=0.0), 'gamma must be > 0'), (dict(betas=(1.0, 0.999)), 'betas must be in'),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AdaBound([torch.nn.Parameter(torch.zeros(1))], **kwargs)
