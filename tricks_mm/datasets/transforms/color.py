"""The paper's baseline colour augmentation (Section 2.1): "scale hue, saturation, and brightness with
coefficients uniformly drawn from [0.6, 1.4]" - done in HSV space in float, so it also avoids mmcv
2.1's ``adjust_hue`` overflow on uint8 images under numpy 2."""
import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from tricks_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class HSVScaleJitter(BaseTransform):
    """Multiply H, S and V of ``results['img']`` (BGR uint8) by independent factors from
    ``U[1 - hue, 1 + hue]`` etc. (paper: 0.4 each). Hue wraps around; S and V are clipped."""

    def __init__(self, hue: float = 0.4, saturation: float = 0.4, brightness: float = 0.4):
        for name, v in (('hue', hue), ('saturation', saturation), ('brightness', brightness)):
            if not 0 <= v < 1:
                raise ValueError(f'HSVScaleJitter: {name} must be in [0, 1), got {v}')
        self.ranges = (hue, saturation, brightness)

    def transform(self, results: dict) -> dict:
        img = results['img']
        factors = [np.random.uniform(1 - r, 1 + r) for r in self.ranges]
        hsv = cv2.cvtColor(img.astype(np.float32) / 255.0, cv2.COLOR_BGR2HSV)  # H in [0, 360)
        hsv[..., 0] = np.mod(hsv[..., 0] * factors[0], 360.0)
        hsv[..., 1] = np.clip(hsv[..., 1] * factors[1], 0, 1)
        hsv[..., 2] = np.clip(hsv[..., 2] * factors[2], 0, 1)
        out = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR) * 255.0
        results['img'] = np.clip(np.rint(out), 0, 255).astype(img.dtype)
        return results

    def __repr__(self):
        return f'{type(self).__name__}(hue={self.ranges[0]}, saturation={self.ranges[1]}, ' \
               f'brightness={self.ranges[2]})'
