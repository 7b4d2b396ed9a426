"""AlexNet-style PCA lighting noise, the paper's last baseline augmentation (Section 2.1: "add PCA noise
with a coefficient sampled from a normal distribution N(0, 0.1)"), clipped to the pixel range.

mmpretrain's ``Lighting`` (through ``mmcv.adjust_lighting``) adds the noise in float and casts back to
uint8 without clipping, so a saturated pixel wraps around (255 + 3 -> 2, 0 - 3 -> 253). GluonCV and
fb.resnet.torch work in float after normalisation and never wrap; this transform adds the same noise and
clips to [0, 255] before the cast.
"""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from tricks_mm.registry import TRANSFORMS

# The ImageNet RGB eigen-decomposition used by AlexNet, fb.resnet.torch and GluonCV (on a 0-255 scale),
# rows of EIGVEC are the channels in BGR order (as images are loaded), columns the principal components.
EIGVAL_255 = (55.4625, 4.7940, 1.1475)
EIGVEC_BGR = ((-0.5836, -0.6948, 0.4203), (-0.5808, -0.0045, -0.8140), (-0.5675, 0.7192, 0.4009))


@TRANSFORMS.register_module()
class PCALighting(BaseTransform):
    """Add ``eigvec @ (alpha * eigval)``, ``alpha ~ N(0, alphastd)`` per image, to every pixel; clip to
    [0, 255] (uint8 images) and keep the input dtype.

    Args:
        eigval: eigenvalues of the pixel covariance on the 0-255 scale (default: ImageNet's).
        eigvec: eigenvectors, one row per image channel in the image's channel order (default: BGR).
        alphastd: standard deviation of the coefficients (paper: 0.1).
    """

    def __init__(self, eigval: Sequence[float] = EIGVAL_255, eigvec: Sequence[Sequence[float]] = EIGVEC_BGR,
                 alphastd: float = 0.1):
        self.eigval = np.asarray(eigval, dtype=np.float64)
        self.eigvec = np.asarray(eigvec, dtype=np.float64)
        if self.eigval.ndim != 1 or self.eigvec.shape != (self.eigval.size, self.eigval.size):
            raise ValueError(f'PCALighting: eigvec must be a {self.eigval.size}x{self.eigval.size} matrix '
                             f'matching eigval, got shapes {self.eigval.shape} and {self.eigvec.shape}')
        if alphastd < 0:
            raise ValueError(f'PCALighting: alphastd must be >= 0, got {alphastd}')
        self.alphastd = float(alphastd)

    def noise(self) -> np.ndarray:
        """One draw of the per-channel offset ``eigvec @ (alpha * eigval)``."""
        alpha = np.random.normal(0.0, self.alphastd, size=self.eigval.size)
        return self.eigvec @ (alpha * self.eigval)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim != 3 or img.shape[2] != self.eigval.size:
            raise ValueError(f'PCALighting: expects an HxWx{self.eigval.size} image, got shape {img.shape} '
                             f"({results.get('img_path', 'unknown file')})")
        out = img.astype(np.float32) + self.noise().astype(np.float32)
        if np.issubdtype(img.dtype, np.integer):
            info = np.iinfo(img.dtype)
            out = np.clip(np.rint(out), info.min, info.max)
        results['img'] = out.astype(img.dtype)
        return results

    def __repr__(self):
        return (f'{type(self).__name__}(eigval={self.eigval.tolist()}, eigvec={self.eigvec.tolist()}, '
                f'alphastd={self.alphastd})')
