"""Label smoothing, paper Section 5.2 (eq. 4), as mmpretrain's ``LabelSmoothLoss`` with a ``paper`` mode.

* ``mode='paper'`` (eq. 4): the true class gets ``1 - eps``, every other class ``eps / (K - 1)``.
* ``mode='uniform'`` (GluonCV, mmpretrain's ``original``): ``1 - eps + eps / K`` and ``eps / K``.

Both are linear in the (one-hot or soft) target, so mixup's soft targets (``gt_score``) are smoothed
exactly as the mixture of the two smoothed one-hot targets.
"""
import torch
from mmpretrain.models.losses import LabelSmoothLoss as MMPretrainLabelSmoothLoss

from tricks_mm.registry import MODELS


@MODELS.register_module()
class LabelSmoothLoss(MMPretrainLabelSmoothLoss):
    """``LabelSmoothLoss(label_smooth_val=0.1, mode='paper' | 'uniform', ...)``; other mmpretrain modes
    ('original', 'classy_vision', 'multi_label') pass through."""

    def __init__(self, label_smooth_val: float = 0.1, mode: str = 'paper', **kwargs):
        modes = {'paper': 'original', 'uniform': 'original'}
        if mode not in modes and mode not in ('original', 'classy_vision', 'multi_label'):
            raise ValueError(f"LabelSmoothLoss: mode must be 'paper' or 'uniform' (or an mmpretrain mode), "
                             f'got {mode!r}')
        super().__init__(label_smooth_val=label_smooth_val, mode=modes.get(mode, mode), **kwargs)
        self.mode = mode
        if mode == 'paper':
            self.smooth_label = self.paper_smooth_label

    def paper_smooth_label(self, one_hot_like_label: torch.Tensor) -> torch.Tensor:
        """Eq. 4: ``q = y (1 - eps) + (1 - y) eps / (K - 1)``."""
        k = self.num_classes
        if k is None or k < 2:
            raise ValueError('label smoothing needs at least 2 classes')
        return one_hot_like_label * (1 - self._eps) + (1 - one_hot_like_label) * self._eps / (k - 1)
