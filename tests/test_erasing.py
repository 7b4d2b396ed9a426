"""tricks_mm.Cutout (DeVries & Taylor 2017) and tricks_mm.RandomErasing (Zhong et al. 2020, Algorithm 1) against the
papers' definitions, by statistics over many draws on synthetic images: where the erased rectangle lies (Cutout's
centre uniform over the pixels, the square clipped at every border; Random Erasing's corner uniform over the
positions where the rectangle fits), how large it is (area ratio in [s_l, s_h] and its mean, aspect ratio in
[r_1, r_2] drawn uniformly), how often (p) and with what (mean, zero, random values). Each statistic is compared with
its exact value, computed from the definition (a sum over the centres, a fine grid over the area and aspect draws);
the same checks applied to mmpretrain's Cutout and RandomErasing fail, which is why ours exist."""
import os.path as osp

import numpy as np
import pytest

import tricks_mm  # noqa: F401
from conftest import REPO
from tricks_mm.datasets.transforms import Cutout, RandomErasing

BG = 200  # the synthetic image's constant value; the fills below differ from it, so erased pixels are exact
MEAN_BGR = [103.939, 116.779, 123.68]  # the paper's normalisation mean (configs/_base_/datasets/imagenet_paper.py)


def _chi2_limit(dof: int, z: float = 4.5) -> float:
    """Wilson-Hilferty upper quantile of chi-square(dof) at a normal z (4.5: a false alarm about once in 3e5)."""
    a = 2.0 / (9 * dof)
    return dof * (1 - a + z * np.sqrt(a)) ** 3


def _boxes(transform, n, height, width, seed, bg=BG):
    """Run ``transform`` ``n`` times on a constant image; per draw the erased rectangle (y0, y1, x0, x1) or None.
    Fails if the erased pixels are not one solid rectangle."""
    np.random.seed(seed)
    img = np.full((height, width, 3), bg, np.uint8)
    out = []
    for _ in range(n):
        res = transform(dict(img=img.copy()))['img']
        assert res.shape == img.shape and res.dtype == np.uint8
        changed = np.any(res != bg, axis=2)
        if not changed.any():
            out.append(None)
            continue
        rows, cols = np.flatnonzero(changed.any(1)), np.flatnonzero(changed.any(0))
        y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        assert changed.sum() == (y1 - y0) * (x1 - x0), 'the erased pixels are not one rectangle'
        out.append((y0, y1, x0, x1))
    return out


# ----------------------------------------------------------------------------------------------------- Cutout
def _cutout_extents(size, length):
    """The paper's square along one axis: centre c uniform over 0..length-1, extent [c - size//2, c - size//2 + size)
    clipped to the image. {(start, stop): centre} (each clipped extent belongs to exactly one centre)."""
    return {(max(c - size // 2, 0), min(c - size // 2 + size, length)): c for c in range(length)}


def cutout_failures(transform, size, height, width, n=12000, seed=0):
    """What in ``transform``'s draws contradicts DeVries & Taylor's Cutout of side ``size`` (empty: nothing)."""
    boxes = _boxes(transform, n, height, width, seed)
    if any(b is None for b in boxes):
        return [f'{sum(b is None for b in boxes)} of {n} images were not cut']
    failures = []
    for axis, length, (lo, hi) in (('row', height, (0, 1)), ('column', width, (2, 3))):
        extents = _cutout_extents(size, length)
        seen = [(int(b[lo]), int(b[hi])) for b in boxes]
        bad = sorted({e for e in seen if e not in extents})
        if bad:
            failures.append(f'{axis} extents {bad[:5]} are no clipped square of side {size} around a pixel')
            continue
        counts = np.bincount([extents[e] for e in seen], minlength=length)
        chi2 = ((counts - n / length) ** 2 / (n / length)).sum()
        if chi2 > _chi2_limit(length - 1):
            failures.append(f'{axis} centres are not uniform: chi2 {chi2:.0f} > {_chi2_limit(length - 1):.0f} '
                            f'(counts at the borders {counts[:3].tolist()} ... {counts[-3:].tolist()})')
    # the erased area: mean and its clipping near the borders, against the exact expectation
    lengths = {ax: np.array([stop - start for (start, stop) in _cutout_extents(size, ln)]) for ax, ln in
               (('y', height), ('x', width))}
    area = np.array([(b[1] - b[0]) * (b[3] - b[2]) for b in boxes], dtype=float)
    expected = lengths['y'].mean() * lengths['x'].mean()
    sd = np.sqrt((np.outer(lengths['y'], lengths['x']) ** 2).mean() - expected ** 2)
    if abs(area.mean() - expected) > 5 * sd / np.sqrt(n):
        failures.append(f'mean erased area {area.mean():.1f} px, expected {expected:.1f} (clipped at the borders)')
    clipped = np.mean(area < size * size)
    expected_clipped = 1 - np.mean(lengths['y'] == size) * np.mean(lengths['x'] == size)
    if abs(clipped - expected_clipped) > 5 * np.sqrt(expected_clipped * (1 - expected_clipped) / n):
        failures.append(f'{clipped:.3f} of the squares are clipped, expected {expected_clipped:.3f}')
    return failures


@pytest.mark.parametrize('size,height,width', [(20, 40, 40), (15, 32, 48), (8, 40, 24)])
def test_cutout_square_centre_uniform_and_clipped(size, height, width):
    """Centre uniform over the pixels, one square of the given side clipped at all four borders: the extents seen
    are exactly the clipped squares, their centres uniform (chi-square), the mean area and the share of clipped
    squares the exact ones (40 px / 20 px is the Imagenette config: 0.19 of the image on average, not 0.25)."""
    assert cutout_failures(Cutout(size=size, fill=0), size, height, width) == []


def test_mmpretrain_cutout_fails_the_same_checks():
    """mmpretrain's Cutout (mmcv.cutout) pushes the square inside at the top and left borders instead of clipping
    it: its centres are not uniform and too few squares are clipped. The checks above can fail."""
    from mmpretrain.datasets.transforms import Cutout as MMPretrainCutout
    failures = cutout_failures(MMPretrainCutout(shape=20, pad_val=0, prob=1.0), 20, 40, 40)
    assert any('extents' in f or 'centres' in f for f in failures), failures
    assert any('clipped' in f for f in failures), failures
    assert cutout_failures(Cutout(size=16, fill=0), 20, 40, 40) != []  # a wrong side fails too


def test_cutout_fill_probability_and_untouched_pixels():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
    np.random.seed(1)
    cut = Cutout(size=20, fill=MEAN_BGR)
    for _ in range(200):
        out = cut(dict(img=img.copy()))['img']
        # the square (where anything may have changed) holds the rounded mean; every other pixel is untouched
        filled = np.all(out == np.array([104, 117, 124], np.uint8), axis=2)
        rows, cols = np.flatnonzero(filled.any(1)), np.flatnonzero(filled.any(0))
        square = np.zeros_like(filled)
        square[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] = True
        assert np.array_equal(out[~square], img[~square])
        assert filled[square].all()
    half = _boxes(Cutout(size=20, fill=0, prob=0.5), 4000, 40, 40, seed=2)
    assert abs(np.mean([b is not None for b in half]) - 0.5) < 4.5 * np.sqrt(0.25 / 4000)
    assert all(b is not None for b in _boxes(Cutout(size=20, fill=0), 500, 40, 40, seed=3))  # paper: every image


def test_cutout_config_fill_is_zero_after_normalisation(monkeypatch):
    """The Imagenette Cutout config fills with the normalisation mean in BGR, so after the data preprocessor (BGR ->
    RGB, minus mean, over std) the square is 0, as in DeVries & Taylor's code (cutout after normalising)."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS, TRANSFORMS
    monkeypatch.setenv('DATA_ROOT', 'unused')
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(REPO, 'configs/imagenette/'
                                         'resnet18-d_1xb64-efficient-cos-ls-cutout-8e_imagenette-40px.py'))
    ops = [t for t in cfg.train_dataloader.dataset.pipeline if t['type'] == 'tricks_mm.Cutout']
    assert len(ops) == 1 and cfg.train_dataloader.dataset.pipeline[-2] == ops[0]  # after the baseline augmentations
    cut = TRANSFORMS.build(ops[0])
    assert isinstance(cut, Cutout) and cut.size == 20 and cut.prob == 1.0
    preprocessor = MODELS.build(dict(type='ClsDataPreprocessor', **cfg.data_preprocessor))
    np.random.seed(0)
    img = np.random.randint(0, 256, (40, 40, 3)).astype(np.uint8)
    out = cut(dict(img=img.copy()))['img']
    import torch
    x = preprocessor(dict(inputs=[torch.from_numpy(out).permute(2, 0, 1).contiguous()]), False)['inputs'][0]
    filled = torch.from_numpy(np.all(out == np.array([104, 117, 124]), axis=2))
    assert filled.sum() >= 100
    assert x[:, filled].abs().max() < 0.5 / 57  # the rounding of the mean to integers, nothing more


# -------------------------------------------------------------------------------------------- Random Erasing
def expected_erasing(height, width, area=(0.02, 0.4), aspect=(0.3, 1 / 0.3), placement='algorithm', n=900):
    """Exact statistics of the kept rectangle, from the definition, by a midpoint grid over the two uniform draws
    (area ratio s, aspect ratio r = H_e / W_e): H_e = round(sqrt(s r H W)), W_e = round(sqrt(s H W / r)). Algorithm 1
    keeps a draw with the probability that its random corner fits, (W - W_e + 1)(H - H_e + 1) / ((W + 1)(H + 1));
    the authors' code keeps every draw with W_e < W and H_e < H."""
    s = area[0] + (area[1] - area[0]) * (np.arange(n) + 0.5) / n
    r = aspect[0] + (aspect[1] - aspect[0]) * (np.arange(n) + 0.5) / n
    s, r = np.meshgrid(s, r, indexing='ij')
    h, w = np.rint(np.sqrt(s * r * height * width)), np.rint(np.sqrt(s / r * height * width))
    if placement == 'algorithm':
        keep = np.clip(width - w + 1, 0, None) * np.clip(height - h + 1, 0, None) * (h > 0) * (w > 0)
    else:
        keep = ((0 < w) & (w < width) & (0 < h) & (h < height)).astype(float)
    keep = keep / keep.sum()
    return dict(area=(keep * h * w).sum() / (height * width), tall=(keep * (h > w)).sum(), wide=(keep * (h < w)).sum())


def erasing_failures(transform, height, width, placement='algorithm', n=10000, seed=0):
    """What in ``transform``'s draws (erasing probability 1) contradicts Algorithm 1 (empty: nothing)."""
    boxes = _boxes(transform, n, height, width, seed)
    if any(b is None for b in boxes):
        return [f'{sum(b is None for b in boxes)} of {n} images were not erased at p = 1']
    b = np.array(boxes)
    h, w = b[:, 1] - b[:, 0], b[:, 3] - b[:, 2]
    ratio, aspect = h * w / (height * width), h / w
    ref, failures = expected_erasing(height, width, placement=placement), []
    # every rectangle within the ranges (up to rounding the sides to pixels), the ranges' ends reached
    if ratio.min() < 0.02 * 0.8 or ratio.max() > 0.4 * 1.1 or ratio.min() > 0.03 or ratio.max() < 0.3:
        failures.append(f'area ratios span [{ratio.min():.3f}, {ratio.max():.3f}], not [0.02, 0.4]')
    if aspect.min() < 0.3 / 1.3 or aspect.max() > 1.3 / 0.3 or aspect.min() > 0.45 or aspect.max() < 2.2:
        failures.append(f'aspect ratios span [{aspect.min():.2f}, {aspect.max():.2f}], not [0.3, 3.33]')
    if abs(ratio.mean() - ref['area']) > 5 * ratio.std() / np.sqrt(n) + 1e-3:
        failures.append(f'mean area ratio {ratio.mean():.4f}, expected {ref["area"]:.4f} ({placement})')
    for key, seen in (('tall', np.mean(h > w)), ('wide', np.mean(h < w))):  # r_e uniform, not log-uniform
        if abs(seen - ref[key]) > 5 * np.sqrt(ref[key] * (1 - ref[key]) / n) + 2e-3:
            failures.append(f'{seen:.3f} of the rectangles are {key}, expected {ref[key]:.3f} (r_e uniform)')
    # the corner uniform over the positions where the rectangle fits: each border touched as often as it should
    for name, start, size, length in (('top', b[:, 0], h, height), ('left', b[:, 2], w, width)):
        p = 1.0 / (length - size + 1)  # given the size, the chance of each extreme position
        sd = np.sqrt((p * (1 - p)).sum())
        for border, at in ((name, start == 0), ('bottom' if name == 'top' else 'right', start + size == length)):
            if abs(at.sum() - p.sum()) > 5 * sd:
                failures.append(f'the {border} border is touched {at.sum()} times, expected {p.sum():.0f}')
        u = (start + 0.5) / (length - size + 1)  # uniform on (0, 1) given the size
        if abs(u.mean() - 0.5) > 5 * np.sqrt(1 / 12 / n):
            failures.append(f'mean relative {name} position {u.mean():.3f}, expected 0.5')
    return failures


@pytest.mark.parametrize('placement', ['algorithm', 'code'])
@pytest.mark.parametrize('height,width', [(40, 40), (32, 56)])
def test_random_erasing_area_aspect_and_position(placement, height, width):
    """Area ratio in [0.02, 0.4] with the exact mean of the kept draws (Algorithm 1: 0.145 on 40 x 40 px, the
    authors' code: 0.202), r_e uniform (about 3 in 4 rectangles taller than wide), corners uniform where they fit."""
    erase = RandomErasing(prob=1.0, fill=0, placement=placement)
    assert erasing_failures(erase, height, width, placement) == []


def test_the_two_placements_differ_and_the_checks_see_it():
    ref = expected_erasing(40, 40), expected_erasing(40, 40, placement='code')
    assert ref[0]['area'] == pytest.approx(0.145, abs=0.002) and ref[1]['area'] == pytest.approx(0.202, abs=0.002)
    failures = erasing_failures(RandomErasing(prob=1.0, fill=0, placement='code'), 40, 40, 'algorithm', n=6000)
    assert any('mean area ratio' in f for f in failures), failures


def test_mmpretrain_random_erasing_fails_the_same_checks():
    """mmpretrain draws log(r_e) uniformly (as many wide as tall rectangles), and its corner never reaches the bottom
    or right border; the checks above see both."""
    from mmpretrain.datasets.transforms import RandomErasing as MMPretrainRandomErasing
    failures = erasing_failures(MMPretrainRandomErasing(erase_prob=1.0, mode='const', fill_color=0), 40, 40, 'code')
    assert any('are tall' in f for f in failures), failures
    assert any('bottom border' in f for f in failures) and any('right border' in f for f in failures), failures


def test_random_erasing_probability():
    for p in (0.0, 0.3, 0.5, 1.0):
        erased = np.mean([b is not None for b in _boxes(RandomErasing(prob=p, fill=0), 3000, 40, 40, seed=4)])
        assert abs(erased - p) <= 4.5 * np.sqrt(p * (1 - p) / 3000), (p, erased)


def test_random_erasing_fills():
    """RE-R: every pixel and channel uniform over 0..255 (independent channels); RE-M: the mean, rounded; RE-0."""
    np.random.seed(5)
    img = np.full((40, 40, 3), BG, np.uint8)
    values = []
    erase = RandomErasing(prob=1.0, fill='random')
    for _ in range(300):
        out = erase(dict(img=img.copy()))['img']
        values.append(out[np.any(out != BG, axis=2)])
    values = np.concatenate(values).astype(float)
    assert len(values) > 50000
    counts = np.stack([np.bincount(values[:, c].astype(int), minlength=256) for c in range(3)])
    assert counts.shape == (3, 256) and (counts > 0).all()  # 0 and 255 included
    expected = len(values) / 256
    assert (((counts - expected) ** 2 / expected).sum(1) < _chi2_limit(255)).all()
    corr = np.corrcoef(values.T)
    assert np.abs(corr[np.triu_indices(3, 1)]).max() < 0.02
    for fill, value in ((MEAN_BGR, [104, 117, 124]), (0, [0, 0, 0]), (255, [255, 255, 255])):
        out = RandomErasing(prob=1.0, fill=fill)(dict(img=img.copy()))['img']
        erased = out[np.any(out != BG, axis=2)]
        assert len(erased) > 0 and (erased == np.array(value)).all()


def test_bad_arguments_are_explained():
    img = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match='outside the uint8 range'):
        Cutout(size=4, fill=-0.5 * 255)(dict(img=img))
    with pytest.raises(ValueError, match='4 values for an image with 3'):
        RandomErasing(prob=1.0, fill=[1, 2, 3, 4])(dict(img=np.zeros((40, 40, 3), np.uint8)))
    with pytest.raises(ValueError, match='positive number of pixels'):
        Cutout(size=0)
    with pytest.raises(ValueError, match="'algorithm'"):
        RandomErasing(placement='timm')
    with pytest.raises(ValueError, match='s_l <= s_h'):
        RandomErasing(area_ratio=(0.4, 0.02))
    with pytest.raises(ValueError, match="'random'"):
        RandomErasing(fill='mean')
    with pytest.raises(ValueError, match='HxWxC'):
        Cutout(size=4)(dict(img=np.zeros((2, 2, 2, 2), np.uint8)))
