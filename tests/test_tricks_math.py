"""The paper's tricks checked against hand computations (He et al., "Bag of Tricks", CVPR 2019).

Every test compares the library with an independent formula (or a property that only the right
formula has), so a wrong constant, a missing factor or an off-by-one makes it fail.
"""
import math

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.optim import LinearLR, build_optim_wrapper
from mmengine.registry import OPTIM_WRAPPERS, PARAM_SCHEDULERS, init_default_scope
from torch.nn.modules.batchnorm import _BatchNorm

import tricks_mm  # noqa: F401  (safe loader, registries)
import tricks_mm.datasets  # noqa: F401
import tricks_mm.engine  # noqa: F401
import tricks_mm.models  # noqa: F401
from tricks_mm.datasets.transforms.color import HSVScaleJitter
from tricks_mm.models.classifiers.distill import distillation_soft_loss
from tricks_mm.models.losses.label_smooth import LabelSmoothLoss

ETA = 0.4


@pytest.fixture(autouse=True)
def _scope_and_seed():
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    np.random.seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: one thread is as fast and robust to a busy machine
    yield
    torch.set_num_threads(threads)


def _classifier_cfg(num_classes=10, depth=18, **kwargs):
    return dict(type='ImageClassifier', backbone=dict(type='tricks_mm.TricksResNet', depth=depth),
                neck=dict(type='GlobalAveragePooling'),
                head=dict(type='LinearClsHead', num_classes=num_classes, in_channels=512,
                          loss=dict(type='CrossEntropyLoss')), **kwargs)


def _build(cfg):
    from mmpretrain.registry import MODELS
    return MODELS.build(cfg)


# ----------------------------------------------------------------------------- 1. LR schedules
def _optim_wrapper():
    return build_optim_wrapper(nn.Linear(2, 2), dict(optimizer=dict(type='SGD', lr=ETA, momentum=0.9)))


def _build_schedulers(cfgs, optim_wrapper, epoch_length):
    """As ``Runner._build_param_scheduler``: PARAM_SCHEDULERS.build with optimizer and epoch_length."""
    return [PARAM_SCHEDULERS.build(dict(c), default_args=dict(optimizer=optim_wrapper, epoch_length=epoch_length))
            for c in cfgs]


def _run(optim_wrapper, schedulers, epochs, epoch_length):
    """EpochBasedTrainLoop + ParamSchedulerHook order: the LR of iteration i is read, optimizer.step(),
    then iter-based schedulers step after every iteration and epoch-based ones after every epoch."""
    lrs = []
    for _ in range(epochs):
        for _ in range(epoch_length):
            lrs.append(optim_wrapper.optimizer.param_groups[0]['lr'])
            optim_wrapper.step()
            for s in schedulers:
                if not s.by_epoch:
                    s.step()
        for s in schedulers:
            if s.by_epoch:
                s.step()
    return lrs


L, WARM, EPOCHS = 3, 5, 8  # 3 iterations/epoch, 5 warmup epochs (paper 3.1), 8 epochs
M, N = WARM * L, EPOCHS * L  # warmup iterations m = 15, total iterations 24
T = N - M - 1  # 8: the cosine runs t = 0..T over iterations m..N-1


def _paper_lr(i):
    """Section 3.1 warmup eta*i/m, then Section 5.1 cosine eta*(1+cos(pi*t/T))/2, t = i - m."""
    return ETA * i / M if i <= M else ETA * (1 + math.cos(math.pi * (i - M) / T)) / 2


def _check_warmup_cosine(lrs):
    assert len(lrs) == N
    for i, lr in enumerate(lrs):
        assert lr == pytest.approx(_paper_lr(i), abs=1e-9), i
    assert lrs[0] == pytest.approx(0.0, abs=1e-9)  # warmup starts from 0
    assert lrs[M] == pytest.approx(ETA, abs=1e-9)  # exactly eta where the cosine starts
    assert lrs[M + T // 2] == pytest.approx(ETA / 2, abs=1e-9)  # cosine midpoint
    assert lrs[N - 1] == pytest.approx(0.0, abs=1e-9)  # eta_min at the last iteration


WARMUP_CFG = dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=WARM, convert_to_iter_based=True)


@pytest.mark.parametrize('cosine', [
    dict(by_epoch=True, begin=WARM, end=EPOCHS, convert_to_iter_based=True),  # epochs, as the configs
    dict(by_epoch=False, begin=M, end=N)])  # directly in iterations
def test_warmup_then_cosine_iteration_values(cosine):
    """Sec. 3.1 (linear warmup from 0 over m iterations) + Sec. 5.1 (cosine eq.), every iteration."""
    ow = _optim_wrapper()
    scheds = _build_schedulers([WARMUP_CFG, dict(type='tricks_mm.CosineDecayLR', eta_min=0.0, **cosine)], ow, L)
    assert not any(s.by_epoch for s in scheds) and scheds[0].warmup_steps == M
    _check_warmup_cosine(_run(ow, scheds, EPOCHS, L))


def test_warmup_then_step_decay_baseline():
    """Sec. 2.1 baseline (LR x0.1 at milestones) after Sec. 3.1 warmup: mmengine's epoch-based MultiStepLR."""
    ow = _optim_wrapper()
    scheds = _build_schedulers([
        dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
        dict(type='MultiStepLR', by_epoch=True, milestones=[2, 4], gamma=0.1)], ow, 3)
    lrs = _run(ow, scheds, 6, 3)
    expected = [0, ETA / 3, 2 * ETA / 3] + [ETA] * 3 + [ETA * 0.1] * 6 + [ETA * 0.01] * 6
    assert lrs == pytest.approx(expected, abs=1e-9)


def test_mmengine_linear_lr_cannot_start_from_zero():
    """Why LinearWarmupLR exists: mmengine's chainable LinearLR divides by start_factor (Sec. 3.1 needs 0)."""
    opt = torch.optim.SGD(nn.Linear(2, 2).parameters(), lr=ETA)
    sched = LinearLR(opt, start_factor=0.0, by_epoch=False, begin=0, end=5)
    assert opt.param_groups[0]['lr'] == 0.0
    opt.step()
    with pytest.raises(ZeroDivisionError):
        sched.step()


def test_warmup_needs_finite_end():
    """The warmup length m must be given."""
    with pytest.raises(ValueError):
        PARAM_SCHEDULERS.build(dict(type='tricks_mm.LinearWarmupLR', by_epoch=False),
                               default_args=dict(optimizer=_optim_wrapper()))


# ----------------------------------------------------------------------------- 2. no bias decay
def test_no_bias_decay_param_groups():
    """Sec. 3.1 "no bias decay": L2 decay only on conv and FC weights; biases and BN gamma/beta get none."""
    model = _build(_classifier_cfg())
    ow = build_optim_wrapper(model, dict(
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True),
        paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.)))
    decay = {}
    for group in ow.optimizer.param_groups:
        assert group['nesterov'] is True and group['momentum'] == 0.9
        for p in group['params']:
            assert id(p) not in decay
            decay[id(p)] = group['weight_decay']
    expected = {}
    for mname, module in model.named_modules():
        for pname, p in module.named_parameters(recurse=False):
            if isinstance(module, (nn.Conv2d, nn.Linear)) and pname == 'weight':
                expected[f'{mname}.{pname}'] = (id(p), 1e-4)
            else:
                assert isinstance(module, _BatchNorm) or pname == 'bias', (mname, pname)
                expected[f'{mname}.{pname}'] = (id(p), 0.0)
    assert len(expected) == len(decay) == len(list(model.parameters()))
    got = {name: decay[pid] for name, (pid, _) in expected.items()}
    assert got == {name: wd for name, (_, wd) in expected.items()}
    assert got['head.fc.weight'] == 1e-4 and got['head.fc.bias'] == 0.0
    assert sum(wd > 0 for wd in got.values()) == 23  # ResNet-18-D: 3 stem + 16 block + 3 shortcut convs, + FC


# ----------------------------------------------------------------------------- 3. label smoothing
K, EPS = 5, 0.1


def _hand_ce(logits, q):
    return -(q * torch.log_softmax(logits.double(), dim=1)).sum(1).mean()


def _targets(labels, mode):
    onehot = F.one_hot(labels, K).double()
    if mode == 'paper':  # eq. 4
        return onehot * (1 - EPS) + (1 - onehot) * EPS / (K - 1)
    return onehot * (1 - EPS + EPS / K) + (1 - onehot) * EPS / K


@pytest.mark.parametrize('mode', ['paper', 'uniform'])
def test_label_smoothing_targets_and_loss(mode):
    """Sec. 5.2 eq. 4 (paper: 1-eps / eps/(K-1)) and the uniform form (1-eps+eps/K / eps/K)."""
    from mmpretrain.registry import MODELS
    loss = MODELS.build(dict(type='tricks_mm.LabelSmoothLoss', label_smooth_val=EPS, mode=mode))
    logits, labels = torch.randn(6, K), torch.tensor([0, 1, 2, 3, 4, 2])
    q = _targets(labels, mode)
    assert torch.allclose(q.sum(1), torch.ones(6, dtype=torch.float64))
    out = loss(logits, labels)
    assert out.item() == pytest.approx(_hand_ce(logits, q).item(), abs=1e-6)
    assert torch.allclose(loss.smooth_label(F.one_hot(labels, K).float()).double(), q, atol=1e-7)
    other = _targets(labels, 'uniform' if mode == 'paper' else 'paper')
    assert abs(out.item() - _hand_ce(logits, other).item()) > 1e-4  # the two forms are distinguishable


def test_label_smoothing_mixup_linearity():
    """Sec. 5.4 mixup target lam*y_a + (1-lam)*y_b smoothed by eq. 4 = the mixture of the two losses."""
    loss, lam = LabelSmoothLoss(EPS, mode='paper'), 0.3
    logits, a, b = torch.randn(4, K), torch.tensor([0, 1, 2, 3]), torch.tensor([4, 4, 0, 1])
    soft = lam * F.one_hot(a, K).float() + (1 - lam) * F.one_hot(b, K).float()
    expected = lam * _hand_ce(logits, _targets(a, 'paper')) + (1 - lam) * _hand_ce(logits, _targets(b, 'paper'))
    assert loss(logits, soft).item() == pytest.approx(expected.item(), abs=1e-6)


def test_label_smoothing_unknown_mode():
    """Only eq. 4 ('paper'), the uniform form and mmpretrain's own modes are accepted."""
    with pytest.raises(ValueError):
        LabelSmoothLoss(EPS, mode='gaussian')


# ----------------------------------------------------------------------------- 4. distillation
def _hand_soft(z, r, t=20.0):
    p = torch.exp(r.double() / t - torch.logsumexp(r.double() / t, dim=1, keepdim=True))
    logq = z.double() / t - torch.logsumexp(z.double() / t, dim=1, keepdim=True)
    return t * t * -(p * logq).sum(1).mean()


def test_distillation_soft_loss_formula():
    """Sec. 5.3 eq. 6 soft term T^2 * CE(softmax(r/T), softmax(z/T)), T = 20."""
    z, r = torch.randn(4, 7) * 5, torch.randn(4, 7) * 5
    assert distillation_soft_loss(z, r, 20.0).item() == pytest.approx(_hand_soft(z, r).item(), rel=1e-5)
    # uniform student: loss = T^2 * log K for any teacher (catches a missing T^2)
    assert distillation_soft_loss(torch.zeros(3, 7), r[:3], 20.0).item() == pytest.approx(400 * math.log(7), rel=1e-6)
    # gradient of the T^2-scaled term: T * (softmax(z/T) - softmax(r/T)) / N (Hinton et al.)
    z.requires_grad_(True)
    distillation_soft_loss(z, r, 20.0).backward()
    expected = 20.0 * (F.softmax(z.detach() / 20, 1) - F.softmax(r / 20, 1)) / 4
    assert torch.allclose(z.grad, expected, atol=1e-6)


def _distill_cfg(ckpt, teacher_depth, **kwargs):
    student = _classifier_cfg(4)
    student.pop('type')
    return dict(type='tricks_mm.DistillImageClassifier', teacher=_classifier_cfg(4, depth=teacher_depth),
                teacher_checkpoint=ckpt, **student, **kwargs)


def _images(n):
    """Random images with per-image contrast and colour, so pooled features differ between images."""
    return torch.randn(n, 3, 32, 32) * (0.5 + 3 * torch.rand(n, 1, 1, 1)) + 2 * torch.randn(n, 3, 1, 1)


def _save_teacher(path, depth):
    teacher = _build(_classifier_cfg(4, depth=depth))
    with torch.no_grad():  # move away from any fresh init so the load is visible
        for v in teacher.state_dict().values():
            if v.is_floating_point():
                v.add_(0.05 * torch.rand_like(v))
        for m in teacher.modules():  # BN statistics of random images: moderate eval-mode logits
            if isinstance(m, _BatchNorm):
                m.momentum = 1.0
        teacher.train()(_images(8), mode='tensor')
        teacher.head.fc.bias.copy_(20 * torch.randn(4))  # softmax(r/T) neither uniform nor one-hot
    torch.save({'state_dict': teacher.state_dict()}, str(path))
    return {k: v.clone() for k, v in teacher.state_dict().items()}


def test_distill_classifier(tmp_path):
    """Sec. 5.3: frozen teacher from a checkpoint; loss = CE(p, z) + T^2 * CE(softmax(r/T), softmax(z/T))."""
    ckpt = tmp_path / 'teacher.pth'
    saved = _save_teacher(ckpt, 18)
    torch.manual_seed(1)
    model = _build(_distill_cfg(str(ckpt), 18))
    teacher = model.__dict__['teacher']
    for k, v in teacher.state_dict().items():
        assert torch.equal(v, saved[k]), k
    model.train()
    assert not any(m.training for m in teacher.modules())
    teacher_ids = {id(p) for p in teacher.parameters()}
    assert not teacher_ids & {id(p) for p in model.parameters()}
    assert not any(k.startswith('teacher') for k in model.state_dict())

    from mmpretrain.structures import DataSample
    x, labels = _images(4), [0, 1, 2, 3]
    samples = [DataSample().set_gt_label(i) for i in labels]
    losses = model.loss(x, samples)
    (losses['loss'] + losses['loss_distill']).backward()
    assert all(p.grad is None and not p.requires_grad for p in teacher.parameters())
    assert model.head.fc.weight.grad is not None and model.head.fc.weight.grad.abs().sum() > 0
    assert model.backbone.stem[0].weight.grad is not None

    with torch.no_grad():
        z = model.head(model.extract_feat(x))
        r = teacher(x, mode='tensor')
    p = F.softmax(r / 20, dim=1)
    assert p.max() < 0.9 and (p.max(1).values - p.min(1).values).min() > 0.1  # a non-trivial target
    assert losses['loss'].item() == pytest.approx(F.cross_entropy(z.double(), torch.tensor(labels)).item(), rel=1e-5)
    assert losses['loss_distill'].item() == pytest.approx(_hand_soft(z, r).item(), rel=1e-5)

    # GluonCV weighting w*hard + (1-w)*T^2*soft, w = 0.5; the student's checkpoint loads strictly.
    weighted = _build(_distill_cfg(str(ckpt), 18, hard_weight=0.5))
    weighted.load_state_dict(model.state_dict(), strict=True)
    weighted.train()
    with torch.no_grad():
        half = weighted.loss(x, samples)
    assert half['loss'].item() == pytest.approx(0.5 * losses['loss'].item(), rel=1e-5)
    assert half['loss_distill'].item() == pytest.approx(0.5 * losses['loss_distill'].item(), rel=1e-5)


def test_distill_teacher_checkpoint_must_fit(tmp_path):
    """A teacher checkpoint of another architecture is an error, not a silently random teacher."""
    ckpt = tmp_path / 'r34.pth'
    _save_teacher(ckpt, 34)
    with pytest.raises(RuntimeError, match='unexpected key'):
        _build(_distill_cfg(str(ckpt), 18))
    ckpt18 = tmp_path / 'r18.pth'
    _save_teacher(ckpt18, 18)  # 4 classes; the config below says 5: a shape mismatch
    with pytest.raises(RuntimeError, match='size mismatch'):
        _build(dict(_distill_cfg(str(ckpt18), 18), teacher=_classifier_cfg(5)))


# ----------------------------------------------------------------------------- 5. AMP on the CPU
def test_bf16_train_step():
    """Sec. 3.2 low-precision training (bf16 on CPU): low-precision convs, fp32 master weights."""
    from mmpretrain.structures import DataSample
    model = _build(_classifier_cfg(data_preprocessor=dict(
        type='ClsDataPreprocessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)))
    ow = OPTIM_WRAPPERS.build(dict(type='tricks_mm.BF16OptimWrapper', force=True,
                                   optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))
    before = {k: v.detach().clone() for k, v in model.named_parameters()}
    data = dict(inputs=[torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8) for _ in range(4)],
                data_samples=[DataSample().set_gt_label(i % 3) for i in range(4)])
    log_vars = model.train_step(data, ow)
    assert math.isfinite(log_vars['loss'].item())
    params = dict(model.named_parameters())
    assert all(p.dtype == torch.float32 for p in params.values())
    assert not torch.equal(params['head.fc.weight'], before['head.fc.weight'])
    assert not torch.equal(params['backbone.stem.0.weight'], before['backbone.stem.0.weight'])
    x = torch.randn(2, 3, 32, 32)
    with ow.optim_context(model):
        assert model.backbone.stem[0](x).dtype == torch.bfloat16
    assert model.backbone.stem[0](x).dtype == torch.float32


def test_bf16_falls_back_to_fp32_without_native_support(monkeypatch):
    """On a CPU without native bf16 (AVX2 only) autocast would be emulated and slow: fp32, said once."""
    from tricks_mm.engine import optim_wrappers
    monkeypatch.setattr(optim_wrappers, 'cpu_has_native_bf16', lambda: False)
    conv = nn.Conv2d(3, 4, 3)
    ow = OPTIM_WRAPPERS.build(dict(type='tricks_mm.BF16OptimWrapper',
                                   optimizer=torch.optim.SGD(conv.parameters(), lr=0.1)))
    with ow.optim_context(conv):
        assert conv(torch.randn(1, 3, 8, 8)).dtype == torch.float32
    monkeypatch.setattr(optim_wrappers, 'cpu_has_native_bf16', lambda: True)
    ow = OPTIM_WRAPPERS.build(dict(type='tricks_mm.BF16OptimWrapper',
                                   optimizer=torch.optim.SGD(conv.parameters(), lr=0.1)))
    with ow.optim_context(conv):
        assert conv(torch.randn(1, 3, 8, 8)).dtype == torch.bfloat16


# ----------------------------------------------------------------------------- 6. colour jitter
def test_hsv_jitter_identity():
    """Sec. 2.1 colour augmentation with all ranges 0 leaves the image unchanged (up to rounding)."""
    img = np.random.randint(0, 256, (16, 16, 3), dtype=np.uint8)
    out = HSVScaleJitter(0, 0, 0).transform(dict(img=img.copy()))['img']
    assert out.dtype == np.uint8 and out.shape == img.shape
    assert np.abs(out.astype(int) - img.astype(int)).max() <= 1


@pytest.mark.parametrize('seed', [3, 4])  # factors 0.83 (darker) and 1.38 (brighter, clips at 255)
def test_hsv_jitter_brightness_scales_v(seed):
    """Sec. 2.1 "scale ... brightness with coefficients uniformly drawn": V of a gray image times the factor."""
    img = np.repeat(np.repeat(np.arange(0, 256, 5, dtype=np.uint8)[:, None, None], 4, axis=1), 3, axis=2)
    np.random.seed(seed)
    out = HSVScaleJitter(0, 0, 0.4).transform(dict(img=img.copy()))['img']
    np.random.seed(seed)
    factor = [np.random.uniform(1 - r, 1 + r) for r in (0, 0, 0.4)][2]  # same draws, same order
    assert abs(factor - 1) > 0.15
    expected = np.clip(np.rint(img.astype(np.float64) * factor), 0, 255)
    assert out.dtype == np.uint8 and np.abs(out.astype(np.float64) - expected).max() <= 1
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()  # still gray
    assert (out.max() == 255) == (factor > 1)  # clipped, not wrapped around
