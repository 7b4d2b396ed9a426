"""RICAP (Takahashi et al., ACML 2018) and CutMix (Yun et al., ICCV 2019; mmpretrain's) as batch augments.

Images are coded so every output pixel names its source (image index, row, column): the tests read the patching
off the pixels and compare it with the paper's definitions, independently of how the augment computes it. The
soft targets then go through the model as mixup's do: tricks_mm.LabelSmoothLoss in both modes and distillation.
"""
import functools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope

import tricks_mm  # noqa: F401  (registries)
import tricks_mm.models  # noqa: F401
from tricks_mm.models.utils.batch_augments import RICAP


@pytest.fixture(autouse=True)
def _scope_and_seed():
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    np.random.seed(0)


def _coded_batch(n, height, width):
    """Channel 0: the image's index, 1: the pixel's row, 2: its column."""
    idx = torch.arange(n, dtype=torch.float32).view(n, 1, 1).expand(n, height, width)
    rows = torch.arange(height, dtype=torch.float32).view(1, height, 1).expand(n, height, width)
    cols = torch.arange(width, dtype=torch.float32).view(1, 1, width).expand(n, height, width)
    return torch.stack([idx, rows, cols], dim=1).contiguous()


def _pixel_shares(out, n):
    """[i, j]: the fraction of output image i's pixels that come from input image j."""
    src = out[:, 0].round().long().flatten(1)
    return torch.stack([torch.bincount(s, minlength=n).float() / s.numel() for s in src])


def _build_augment(cfg):
    from mmpretrain.registry import BATCH_AUGMENTS
    return BATCH_AUGMENTS.build(cfg)


# ----------------------------------------------------------------------------- RICAP geometry
@pytest.mark.parametrize('size', [(37, 53), (32, 32), (1, 9)])
def test_ricap_four_areas_tile_the_image(size):
    height, width = size
    ricap = RICAP(beta=0.3)
    for _ in range(300):
        p = ricap.sample(5, height, width)
        w, h = p.boundary
        assert 0 <= w <= width and 0 <= h <= height
        assert p.sizes == [(w, h), (width - w, h), (w, height - h), (width - w, height - h)]
        assert all(wk >= 0 and hk >= 0 for wk, hk in p.sizes)
        assert sum(wk * hk for wk, hk in p.sizes) == height * width
        assert p.weights == pytest.approx([wk * hk / (height * width) for wk, hk in p.sizes], abs=1e-15)
        assert sum(p.weights) == pytest.approx(1.0, abs=1e-12)
        for (wk, hk), (x, y) in zip(p.sizes, p.offsets):  # each crop lies inside its source image
            assert 0 <= x <= width - wk and 0 <= y <= height - hk


def test_ricap_each_patch_comes_from_its_source_image_and_targets_are_area_shares():
    """Region k (top left w x h, top right, bottom left, bottom right) of sample i holds the crop at (x_k, y_k) of
    image perm_k[i], pixel for pixel; the target of sample i is sum_k W_k onehot(label of perm_k[i]) and equals
    the share of i's pixels each source image supplied."""
    n, height, width = 6, 23, 31
    ricap = RICAP(beta=0.3)
    labels = torch.tensor([0, 1, 2, 2, 3, 1])
    one_hot = F.one_hot(labels, 4).float()
    seen_cut = 0
    for trial in range(60):
        state = (np.random.get_state(), torch.get_rng_state())
        p = ricap.sample(n, height, width)
        np.random.set_state(state[0])
        torch.set_rng_state(state[1])
        out, target = ricap(_coded_batch(n, height, width), one_hot.clone())  # draws the same p
        assert out.shape == (n, 3, height, width)
        w, h = p.boundary
        seen_cut += 0 < w < width and 0 < h < height
        rows = torch.arange(height).view(height, 1).expand(height, width)
        cols = torch.arange(width).view(1, width).expand(height, width)
        region = (rows >= h).long() * 2 + (cols >= w).long()  # the paper's layout around (w, h)
        left = torch.where(cols >= w, torch.full_like(cols, w), torch.zeros_like(cols))
        top = torch.where(rows >= h, torch.full_like(rows, h), torch.zeros_like(rows))
        for i in range(n):
            for k in range(4):
                mask = region == k
                if not mask.any():
                    continue
                x_k, y_k = p.offsets[k]
                assert torch.all(out[i, 0][mask] == p.perms[k][i])
                assert torch.all(out[i, 1][mask] == (rows - top + y_k)[mask].float())
                assert torch.all(out[i, 2][mask] == (cols - left + x_k)[mask].float())
        expected = sum(wt * one_hot[perm] for wt, perm in zip(p.weights, p.perms))
        assert torch.allclose(target, expected, atol=1e-6)
        assert torch.allclose(target, _pixel_shares(out, n) @ one_hot, atol=1e-6)  # read off the pixels
        assert torch.allclose(target.sum(1), torch.ones(n), atol=1e-6)
    assert seen_cut > 10  # the check covered real four-way cuts, not only one-image draws


def _beta_cdf(x, a, b, points=20001):
    """Regularised incomplete beta I_x(a, b) by Simpson's rule after t = u^(1/a) (which removes t^(a-1) at 0),
    and I_x(a, b) = 1 - I_(1-x)(b, a) above 1/2."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    if x > 0.5:
        return 1.0 - _beta_cdf(1.0 - x, b, a, points)
    u = np.linspace(0.0, x ** a, points)
    f = (1.0 - u ** (1.0 / a)) ** (b - 1.0) / a
    integral = (u[1] - u[0]) / 3 * (f[0] + f[-1] + 4 * f[1:-1:2].sum() + 2 * f[2:-1:2].sum())
    return integral / math.exp(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))


def _ks_distance_rounded(values, size, a):
    """KS distance between the empirical law of round(size * B), B ~ Beta(a, a), and its exact law
    P(round(size B) <= k) = I_{(k + 1/2) / size}(a, a)."""
    ks = np.arange(size + 1)
    ecdf = np.searchsorted(np.sort(np.asarray(values)), ks, side='right') / len(values)
    return np.abs(ecdf - _rounded_beta_cdf(size, a)).max()


@functools.lru_cache()
def _rounded_beta_cdf(size, a):
    return np.array([_beta_cdf((k + 0.5) / size, a, a) for k in range(size + 1)])


def test_beta_cdf_helper():
    assert _beta_cdf(0.5, 0.3, 0.3) == pytest.approx(0.5, abs=1e-6)  # symmetric: the normalisation is right
    assert _beta_cdf(0.3, 1.0, 1.0) == pytest.approx(0.3, abs=1e-9)  # Beta(1, 1) is uniform
    assert _beta_cdf(0.25, 2.0, 2.0) == pytest.approx(3 * 0.25 ** 2 - 2 * 0.25 ** 3, abs=1e-7)


def test_ricap_boundary_follows_beta_0_3():
    """Section 3.1: w = round(w' I_x), h = round(h' I_y), w', h' ~ Beta(0.3, 0.3), independent. A KS test at
    level 0.001 (critical distance 1.95 / sqrt(n)); the same test rejects Beta(1, 1) and Beta(0.6, 0.6) draws."""
    size, n = 200, 2000
    critical = 1.95 / math.sqrt(n)

    def draws(beta, count=n):
        ricap = RICAP(beta=beta)
        ps = [ricap.sample(1, size, size).boundary for _ in range(count)]
        return np.array([w for w, _ in ps]), np.array([h for _, h in ps])

    ws, hs = draws(0.3)
    assert _ks_distance_rounded(ws, size, 0.3) < critical
    assert _ks_distance_rounded(hs, size, 0.3) < critical
    assert abs(np.corrcoef(ws, hs)[0, 1]) < 4 / math.sqrt(n)  # w and h drawn independently
    for other in (1.0, 0.6):
        ws_other, _ = draws(other, 1000)
        assert _ks_distance_rounded(ws_other, size, 0.3) > 2 * 1.95 / math.sqrt(1000)


def test_ricap_config_errors():
    with pytest.raises(ValueError, match='beta must be a positive number'):
        RICAP(beta=0)
    ricap = _build_augment(dict(type='tricks_mm.RICAP', beta=0.3))
    assert isinstance(ricap, RICAP) and ricap.beta == 0.3
    with pytest.raises(ValueError, match='num_classes'):
        ricap(torch.zeros(2, 3, 8, 8), torch.tensor([0, 1]))


# ----------------------------------------------------------------------------- CutMix (mmpretrain's)
def test_cutmix_box_and_targets_are_the_papers():
    """Yun et al. eq. (1)-(2): one box pasted from the paired image (centre uniform, side sqrt(1 - lambda) of
    each dimension, clipped at the border), target lambda y_i + (1 - lambda) y_pair with lambda the share of
    the image's own pixels (mmpretrain's correct_lam). Checked from the pixels; mean box area = E[1 - lambda]."""
    n, height, width = 5, 24, 24
    cutmix = _build_augment(dict(type='CutMix', alpha=1.0))
    one_hot = torch.eye(n)
    areas = []
    for _ in range(200):
        out, target = cutmix(_coded_batch(n, height, width), one_hot.clone())
        assert torch.allclose(target, _pixel_shares(out, n), atol=1e-6)
        for i in range(n):
            foreign = out[i, 0] != i
            if foreign.any():  # the pasted pixels form one axis-aligned box, copied from one image, in place
                ys, xs = torch.nonzero(foreign, as_tuple=True)
                box = foreign[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
                assert box.all() and foreign.sum() == box.numel()
                assert len(out[i, 0][foreign].unique()) == 1
                assert torch.equal(out[i, 1][foreign], ys.float()) and torch.equal(out[i, 2][foreign], xs.float())
        pasted = (out[:, 0] != torch.arange(n).view(n, 1, 1)).any(0)
        areas.append(pasted.float().mean().item())
    # lambda ~ Beta(1, 1): the box covers 1 - lambda before clipping, so on average a bit under half
    assert 0.25 < np.mean(areas) < 0.55


# ----------------------------------------------------------------------------- through the model
EPS, K = 0.1, 4


def _smooth(target, mode):
    if mode == 'paper':  # eq. 4 applied to a soft target (linear)
        return target * (1 - EPS) + (1 - target) * EPS / (K - 1)
    return target * (1 - EPS) + EPS / K


def _cls_cfg(augment=None, mode='paper', **kwargs):
    cfg = dict(
        type='ImageClassifier',
        data_preprocessor=dict(type='ClsDataPreprocessor', num_classes=K, mean=[0., 0., 0.], std=[1., 1., 1.]),
        backbone=dict(type='tricks_mm.TricksResNet', depth=18, variant='D', zero_init_residual=False),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='LinearClsHead', num_classes=K, in_channels=512,
                  loss=dict(type='tricks_mm.LabelSmoothLoss', label_smooth_val=EPS, mode=mode)),
        **kwargs)
    if augment is not None:
        cfg['train_cfg'] = dict(augments=augment)
    return cfg


def _build(cfg):
    from mmpretrain.registry import MODELS
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _batch(n=4, size=24):
    from mmpretrain.structures import DataSample
    images = (torch.rand(n, 3, size, size) * 255).to(torch.uint8)
    images[:, :, : size // 2] //= 3  # structure, so crops of different images differ
    return dict(inputs=list(images), data_samples=[DataSample().set_gt_label(i % K) for i in range(n)])


AUGMENTS = [dict(type='tricks_mm.RICAP', beta=0.3), dict(type='CutMix', alpha=1.0)]


@pytest.mark.parametrize('augment', AUGMENTS, ids=['ricap', 'cutmix'])
@pytest.mark.parametrize('mode', ['paper', 'uniform'])
def test_soft_targets_reach_label_smoothing(augment, mode):
    """The data preprocessor turns labels into the augment's soft targets (gt_score); the head's
    LabelSmoothLoss smooths them (eq. 4 or uniform) and trains; without the augment the labels stay hard."""
    model = _build(_cls_cfg(augment, mode)).train()
    mixed_seen, batches = False, 0
    while not mixed_seen or batches < 2:  # Beta(0.3, 0.3) often gives one image almost all the area
        assert batches < 8, 'no mixed target in 8 batches'
        batches += 1
        data = model.data_preprocessor(_batch(), training=True)
        scores = torch.stack([s.gt_score for s in data['data_samples']])
        assert scores.shape == (4, K) and torch.allclose(scores.sum(1), torch.ones(4))
        mixed_seen |= bool((scores.max(1).values < 0.999).any())
        model.zero_grad()
        losses = model(**data, mode='loss')
        with torch.no_grad():
            logits = model.head(model.extract_feat(data['inputs']))
        hand = -(_smooth(scores, mode) * F.log_softmax(logits, 1)).sum(1).mean()
        assert losses['loss'].item() == pytest.approx(hand.item(), rel=1e-5)
        losses['loss'].backward()
        assert model.head.fc.weight.grad.abs().sum() > 0 and model.backbone.stem[0].weight.grad is not None
    plain = _build(_cls_cfg(None, mode)).train()
    data = plain.data_preprocessor(_batch(), training=True)
    assert 'gt_score' not in data['data_samples'][0]


@pytest.mark.parametrize('augment', AUGMENTS, ids=['ricap', 'cutmix'])
def test_soft_targets_with_distillation(augment, tmp_path):
    """Section 5.3 with the augment: the frozen teacher sees the same patched images as the student, the hard
    term uses the smoothed soft targets; forward and backward run."""
    teacher = _build(_cls_cfg(None))
    with torch.no_grad():
        teacher.head.fc.bias.copy_(3 * torch.randn(K))
    ckpt = tmp_path / 'teacher.pth'
    torch.save({'state_dict': teacher.state_dict()}, str(ckpt))
    student = _cls_cfg(augment)
    student.pop('type')
    model = _build(dict(type='tricks_mm.DistillImageClassifier', teacher=_cls_cfg(None),
                        teacher_checkpoint=str(ckpt), temperature=20.0, **student)).train()
    data = model.data_preprocessor(_batch(), training=True)
    losses = model(**data, mode='loss')
    (losses['loss'] + losses['loss_distill']).backward()
    assert model.head.fc.weight.grad.abs().sum() > 0
    scores = torch.stack([s.gt_score for s in data['data_samples']])
    with torch.no_grad():
        z = model.head(model.extract_feat(data['inputs']))
        r = teacher.eval()(data['inputs'], mode='tensor')  # the teacher's logits on the augmented batch
    hard = -(_smooth(scores, 'paper') * F.log_softmax(z, 1)).sum(1).mean()
    soft = 400 * -(F.softmax(r / 20, 1) * F.log_softmax(z / 20, 1)).sum(1).mean()
    assert losses['loss'].item() == pytest.approx(hard.item(), rel=1e-5)
    assert losses['loss_distill'].item() == pytest.approx(soft.item(), rel=1e-4)
