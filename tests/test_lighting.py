"""PCA lighting (paper Section 2.1): saturated pixels stay saturated, the noise has the paper's
statistics, and every config uses the clipping transform instead of mmpretrain's wrapping one."""
import glob
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config

import tricks_mm  # noqa: F401
from conftest import REPO
from tricks_mm.datasets.transforms.lighting import EIGVAL_255, EIGVEC_BGR, PCALighting


def _saturated_image():
    """Half white, half black, one mid-grey band: every pixel value a wrap-around would betray."""
    img = np.zeros((16, 16, 3), np.uint8)
    img[:8] = 255
    img[7:9] = 128
    return img


def _mmpretrain_lighting():
    from mmpretrain.datasets.transforms import Lighting
    return Lighting(eigval=list(EIGVAL_255), eigvec=[list(r) for r in EIGVEC_BGR], alphastd=0.1, to_rgb=False)


@pytest.mark.parametrize('make', [
    PCALighting,
    pytest.param(_mmpretrain_lighting, marks=pytest.mark.xfail(
        strict=True, reason="mmpretrain's Lighting casts to uint8 without clipping: saturated pixels wrap")),
], ids=['tricks_mm.PCALighting', 'mmpretrain.Lighting'])
def test_saturated_pixels_stay_saturated(make):
    transform = make()
    np.random.seed(0)
    for _ in range(50):
        img = _saturated_image()
        out = transform(dict(img=img.copy()))['img']
        assert out.dtype == np.uint8
        # white may only darken a little, black only brighten a little: never wrap to the far end
        assert out[:7].min() >= 200, 'a white pixel wrapped to near-black'
        assert out[9:].max() <= 55, 'a black pixel wrapped to near-white'


def test_noise_statistics_match_the_paper():
    """offset = V (alpha * lambda), alpha ~ N(0, 0.1): mean 0, covariance V diag(0.01 lambda^2) V^T."""
    transform = PCALighting(alphastd=0.1)
    np.random.seed(1)
    offsets = np.stack([transform.noise() for _ in range(40000)])
    V, lam = np.asarray(EIGVEC_BGR), np.asarray(EIGVAL_255)
    want_cov = V @ np.diag((0.1 * lam) ** 2) @ V.T
    np.testing.assert_allclose(offsets.mean(0), 0, atol=0.1)
    np.testing.assert_allclose(np.cov(offsets.T), want_cov, rtol=0.05, atol=0.05)
    # the coefficients recovered through the eigenvectors are N(0, 0.1), independent
    alphas = offsets @ V / lam  # V is (nearly) orthonormal
    np.testing.assert_allclose(alphas.std(0), 0.1, rtol=0.03)
    # mid-range pixels get exactly the offset (rounded), the same for every pixel of the image
    img = np.full((4, 4, 3), 128, np.uint8)
    np.random.seed(2)
    want = np.rint(128 + transform.noise())
    np.random.seed(2)
    out = transform(dict(img=img))['img']
    np.testing.assert_array_equal(out, np.broadcast_to(want, out.shape))


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match='eigvec must be a 3x3'):
        PCALighting(eigvec=[[1, 0], [0, 1]])
    with pytest.raises(ValueError, match='HxWx3'):
        PCALighting()(dict(img=np.zeros((4, 4), np.uint8)))


def _pipelines(cfg):
    """Every transform dict found anywhere in a config (pipelines of all dataloaders and bases)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if 'type' in node:
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v)
    walk(cfg.to_dict())
    return found


ALL_CONFIGS = sorted(p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
                     if '_base_' not in p and '/reproduce/' not in p)


@pytest.mark.parametrize('path', ALL_CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_every_config_uses_clipped_lighting(path):
    types = [d['type'] for d in _pipelines(Config.fromfile(path)) if isinstance(d['type'], str)]
    wrapping = [t for t in types if t.split('.')[-1] == 'Lighting']
    assert not wrapping, f"{path} uses mmpretrain's wrapping Lighting; use tricks_mm.PCALighting"
