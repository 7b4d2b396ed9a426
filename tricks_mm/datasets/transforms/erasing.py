"""Occlusion augmentations that later practice put next to the paper's bag of tricks, on the uint8 HxWxC image
of the pipeline (before the data preprocessor normalises):

- ``tricks_mm.Cutout``: DeVries & Taylor 2017 (arXiv:1708.04552, Section 3): one square of fixed side whose centre
  is uniform over the image, clipped at the border ("it was important to allow portions of the patch to lie
  outside the image"), zero after normalisation, i.e. the dataset mean in pixel space.
- ``tricks_mm.RandomErasing``: Zhong et al., AAAI 2020 (arXiv:1708.04896, Algorithm 1): with probability p a
  rectangle of area ratio U[s_l, s_h] and aspect ratio r_e = H_e / W_e ~ U[r_1, r_2], placed where it fits,
  filled with random values (RE-R) or a constant (RE-M / RE-0 / RE-255).

Why not mmpretrain's: its ``Cutout`` (``mmcv.cutout``) clips the square's top-left corner to 0 before adding the
side, so near the top and left borders the square is pushed inside instead of clipped (area never shrinks
there, only at the bottom/right), and it applies with probability 0.5. Its ``RandomErasing`` draws log(r_e)
uniformly (timm's choice; Algorithm 1 and the authors' code draw r_e uniformly, which makes tall rectangles about
three times as frequent as wide ones), clips a too-large rectangle to the image instead of drawing again, and
draws the top-left corner with ``randint(0, H - h)``, which never reaches the bottom/right border.
"""
from numbers import Number
from typing import Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform

from tricks_mm.registry import TRANSFORMS

Fill = Union[Number, Sequence[Number]]


def _fill_value(fill: Fill, name: str) -> np.ndarray:
    """A constant fill as a float vector (one value, or one per channel in the image's channel order)."""
    value = np.atleast_1d(np.asarray(fill, dtype=np.float64))
    if value.ndim != 1 or value.size == 0 or not np.all(np.isfinite(value)):
        raise ValueError(f'{name}: fill must be a number or a sequence of one number per channel, got {fill!r}')
    return value


def _paint(img: np.ndarray, rows: slice, cols: slice, value: np.ndarray, name: str) -> None:
    """Write ``value`` (broadcast over the patch) into ``img[rows, cols]`` in the image's dtype; integer images get
    the value rounded, and a value outside the dtype's range is an error (it would wrap around)."""
    channels = 1 if img.ndim == 2 else img.shape[2]
    if value.size not in (1, channels):
        raise ValueError(f'{name}: fill has {value.size} values for an image with {channels} channel(s); give one '
                         'value or one per channel (in the image\'s channel order, BGR as loaded)')
    if img.ndim == 2:
        value = value[0]
    if np.issubdtype(img.dtype, np.integer):
        info = np.iinfo(img.dtype)
        value = np.rint(value)
        if value.min() < info.min or value.max() > info.max:
            raise ValueError(f'{name}: fill {value.tolist()} is outside the {img.dtype} range [{info.min}, '
                             f'{info.max}]; give pixel values (0-255 for uint8 images), not normalised ones')
    img[rows, cols] = value.astype(img.dtype)


def _check_image(img, name: str) -> None:
    if not isinstance(img, np.ndarray) or img.ndim not in (2, 3):
        raise ValueError(f'{name}: expects an HxW or HxWxC numpy image, got '
                         f'{getattr(img, "shape", type(img).__name__)}')


@TRANSFORMS.register_module()
class Cutout(BaseTransform):
    """Cutout (DeVries & Taylor 2017): the square of side ``size`` centred on a pixel ``(c_y, c_x)`` drawn uniformly
    from the image, rows ``[c_y - size // 2, c_y - size // 2 + size)`` (columns alike) intersected with the image,
    is set to ``fill``. Near a border the square is clipped, so the erased area shrinks there (the authors' code,
    ``util/cutout.py``, identical for an even side).

    Args:
        size: the square's side in pixels (paper: 16 on 32 px CIFAR-10, 8 on CIFAR-100, 20 on SVHN).
        fill: one value or one per channel in the image's channel order (BGR as loaded). The authors cut out after
            normalisation, so their patch is the dataset mean: pass the data preprocessor's mean in BGR for that;
            rounded for integer images.
        prob: probability of cutting an image (paper: every image, 1).
    """

    def __init__(self, size: int, fill: Fill = 0, prob: float = 1.0):
        if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
            raise ValueError(f'Cutout: size must be a positive number of pixels, got {size!r}')
        if not 0 <= prob <= 1:
            raise ValueError(f'Cutout: prob must be in [0, 1], got {prob}')
        self.size = int(size)
        self.fill = _fill_value(fill, 'Cutout')
        self.prob = float(prob)

    def square(self, height: int, width: int) -> Tuple[slice, slice]:
        """One draw of the (clipped) square: row and column slices."""
        cy, cx = np.random.randint(height), np.random.randint(width)
        top, left = cy - self.size // 2, cx - self.size // 2
        return (slice(max(top, 0), min(top + self.size, height)),
                slice(max(left, 0), min(left + self.size, width)))

    def transform(self, results: dict) -> dict:
        img = results['img']
        _check_image(img, 'Cutout')
        if self.prob < 1 and np.random.rand() >= self.prob:
            return results
        img = img.copy()
        _paint(img, *self.square(*img.shape[:2]), self.fill, 'Cutout')
        results['img'] = img
        return results

    def __repr__(self):
        return f'{type(self).__name__}(size={self.size}, fill={self.fill.tolist()}, prob={self.prob})'


@TRANSFORMS.register_module()
class RandomErasing(BaseTransform):
    """Random Erasing (Zhong et al. 2020, Algorithm 1). With probability ``prob``: draw the area
    ``S_e = U[s_l, s_h] * H * W`` and the aspect ratio ``r_e = U[r_1, r_2]`` (uniform, as Algorithm 1's
    ``Rand(r_1, r_2)`` and the authors' ``random.uniform(r1, 1/r1)``), ``H_e = round(sqrt(S_e r_e))``,
    ``W_e = round(sqrt(S_e / r_e))``, then

    - ``placement='algorithm'`` (Algorithm 1): a corner ``(x_e, y_e)`` uniform over the image; keep the rectangle if
      ``x_e + W_e <= W`` and ``y_e + H_e <= H``, else draw everything again. A large rectangle fits at fewer
      corners, so it is kept less often: the erased area is smaller on average than ``(s_l + s_h) / 2``.
    - ``placement='code'`` (the authors' ``transforms.py``): keep the size if ``W_e < W`` and ``H_e < H``, then a
      corner uniform over the positions where it fits.

    After ``max_attempts`` rejected draws the image is left as it is (the authors' code: 100; with the paper's
    ranges a rectangle is kept within a few draws).

    Args:
        prob: erasing probability p (paper: 0.5).
        area_ratio: (s_l, s_h) (paper: 0.02, 0.4).
        aspect_ratio: (r_1, r_2), height over width (paper: r_1 = 0.3, r_2 = 1 / r_1).
        fill: ``'random'`` (RE-R: every pixel and channel uniform over the integers 0-255, the paper's default), or
            a value / one value per channel in the image's channel order (RE-M: the dataset mean, BGR as loaded;
            RE-0; RE-255).
        placement: ``'algorithm'`` or ``'code'``, see above.
        max_attempts: draws before giving up on an image.
    """

    def __init__(self, prob: float = 0.5, area_ratio: Tuple[float, float] = (0.02, 0.4),
                 aspect_ratio: Tuple[float, float] = (0.3, 1 / 0.3), fill: Union[str, Fill] = 'random',
                 placement: str = 'algorithm', max_attempts: int = 100):
        if not 0 <= prob <= 1:
            raise ValueError(f'RandomErasing: prob must be in [0, 1], got {prob}')
        lo, hi = (float(v) for v in area_ratio)
        if not 0 < lo <= hi <= 1:
            raise ValueError(f'RandomErasing: area_ratio must be (s_l, s_h) with 0 < s_l <= s_h <= 1, got {area_ratio}')
        r1, r2 = (float(v) for v in aspect_ratio)
        if not 0 < r1 <= r2:
            raise ValueError(f'RandomErasing: aspect_ratio must be (r_1, r_2) with 0 < r_1 <= r_2, got {aspect_ratio}')
        if placement not in ('algorithm', 'code'):
            raise ValueError(f"RandomErasing: placement must be 'algorithm' (the paper's Algorithm 1) or 'code' (the "
                             f"authors' released code), got {placement!r}")
        if not isinstance(max_attempts, int) or max_attempts < 1:
            raise ValueError(f'RandomErasing: max_attempts must be a positive integer, got {max_attempts!r}')
        if isinstance(fill, str) and fill != 'random':
            raise ValueError(f"RandomErasing: fill must be 'random' (RE-R) or pixel values, got {fill!r}")
        self.prob = float(prob)
        self.area_ratio = (lo, hi)
        self.aspect_ratio = (r1, r2)
        self.fill = fill if isinstance(fill, str) else _fill_value(fill, 'RandomErasing')
        self.placement = placement
        self.max_attempts = max_attempts

    def rectangle(self, height: int, width: int):
        """One draw of the erased rectangle as (rows, cols) slices, or None when no draw was kept."""
        for _ in range(self.max_attempts):
            area = np.random.uniform(*self.area_ratio) * height * width
            aspect = np.random.uniform(*self.aspect_ratio)
            h, w = int(round(np.sqrt(area * aspect))), int(round(np.sqrt(area / aspect)))
            if self.placement == 'algorithm':
                # corners on the pixel grid, 0..W and 0..H inclusive (Rand(0, W), Rand(0, H))
                x, y = np.random.randint(width + 1), np.random.randint(height + 1)
                if 0 < w and 0 < h and x + w <= width and y + h <= height:
                    return slice(y, y + h), slice(x, x + w)
            elif 0 < w < width and 0 < h < height:
                y, x = np.random.randint(height - h + 1), np.random.randint(width - w + 1)
                return slice(y, y + h), slice(x, x + w)
        return None

    def transform(self, results: dict) -> dict:
        img = results['img']
        _check_image(img, 'RandomErasing')
        if np.random.rand() >= self.prob:
            return results
        box = self.rectangle(*img.shape[:2])
        if box is None:
            return results
        img = img.copy()
        rows, cols = box
        if isinstance(self.fill, str):  # RE-R: Rand(0, 255) for every pixel (and channel)
            shape = (rows.stop - rows.start, cols.stop - cols.start) + img.shape[2:]
            img[rows, cols] = np.random.randint(0, 256, size=shape).astype(img.dtype)
        else:
            _paint(img, rows, cols, self.fill, 'RandomErasing')
        results['img'] = img
        return results

    def __repr__(self):
        fill = self.fill if isinstance(self.fill, str) else self.fill.tolist()
        return (f'{type(self).__name__}(prob={self.prob}, area_ratio={self.area_ratio}, '
                f'aspect_ratio={self.aspect_ratio}, fill={fill!r}, placement={self.placement!r}, '
                f'max_attempts={self.max_attempts})')
