"""RICAP: Random Image Cropping And Patching (Takahashi, Matsubara and Uehara, ACML 2018, arXiv:1811.09030).

Section 3.1 of the paper (and the authors' code, github.com/jackryo/ricap): for a batch of images of size
``I_x x I_y`` draw a boundary point ``w = round(w' I_x)``, ``h = round(h' I_y)`` with ``w', h' ~ Beta(beta,
beta)`` (beta = 0.3 in the paper's ImageNet and CIFAR runs), which splits the output into four regions

    k = 0: w x h (top left)      k = 1: (I_x - w) x h (top right)
    k = 2: w x (I_y - h)         k = 3: (I_x - w) x (I_y - h) (bottom right)

Region ``k`` of sample ``i`` is a crop of that size, at an offset drawn uniformly inside the source image,
from image ``perm_k[i]`` of the batch (one random permutation per region, as the authors' code). The target
is mixed by area: ``c = sum_k W_k c_{perm_k[i]}``, ``W_k = w_k h_k / (I_x I_y)``. The targets are mmpretrain's
one-hot (or already soft) ``gt_score`` rows, so label smoothing (linear in the target) and distillation
(the teacher sees the patched images) apply to them as to mixup's.
"""
from typing import List, NamedTuple, Tuple

import numpy as np
import torch

from tricks_mm.registry import BATCH_AUGMENTS


class RICAPPatches(NamedTuple):
    """One draw: the boundary ``(w, h)`` in pixels, and for each region k = 0..3 its size
    ``(width_k, height_k)``, its crop offset ``(x_k, y_k)`` in the source image and its source permutation."""
    boundary: Tuple[int, int]
    sizes: List[Tuple[int, int]]
    offsets: List[Tuple[int, int]]
    perms: List[torch.Tensor]

    @property
    def weights(self) -> List[float]:
        """Area shares ``W_k = w_k h_k / (I_x I_y)`` of the four regions (they sum to 1)."""
        total = sum(w * h for w, h in self.sizes)
        return [w * h / total for w, h in self.sizes]


@BATCH_AUGMENTS.register_module()
class RICAP:
    """``train_cfg=dict(augments=dict(type='tricks_mm.RICAP', beta=0.3))`` (called like mmpretrain's Mixup).

    Args:
        beta: the parameter of the Beta(beta, beta) distribution of the boundary point (paper: 0.3).
    """

    def __init__(self, beta: float = 0.3):
        if not isinstance(beta, (int, float)) or isinstance(beta, bool) or not beta > 0:
            raise ValueError(f'RICAP: beta must be a positive number (the paper uses 0.3), got {beta!r}')
        self.beta = float(beta)

    def sample(self, batch_size: int, height: int, width: int) -> RICAPPatches:
        """Draw the boundary, the four crop offsets and the four source permutations (numpy's and torch's
        global generators, as mmpretrain's Mixup/CutMix, so mmengine's seed makes a run repeatable)."""
        w = int(np.round(width * np.random.beta(self.beta, self.beta)))
        h = int(np.round(height * np.random.beta(self.beta, self.beta)))
        sizes = [(w, h), (width - w, h), (w, height - h), (width - w, height - h)]
        offsets = [(np.random.randint(0, width - wk + 1), np.random.randint(0, height - hk + 1))
                   for wk, hk in sizes]
        perms = [torch.randperm(batch_size) for _ in sizes]
        return RICAPPatches((w, h), sizes, [(int(x), int(y)) for x, y in offsets], perms)

    @staticmethod
    def patch(inputs: torch.Tensor, scores: torch.Tensor,
              patches: RICAPPatches) -> Tuple[torch.Tensor, torch.Tensor]:
        """Tile the four crops around the boundary and mix the targets by area."""
        crops = [inputs[perm, :, y:y + hk, x:x + wk]
                 for (wk, hk), (x, y), perm in zip(patches.sizes, patches.offsets, patches.perms)]
        top = torch.cat(crops[:2], dim=3)
        bottom = torch.cat(crops[2:], dim=3)
        out = torch.cat([top, bottom], dim=2)
        mixed = sum(wt * scores[perm] for wt, perm in zip(patches.weights, patches.perms))
        return out, mixed

    def mix(self, batch_inputs: torch.Tensor, batch_scores: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        n, _, height, width = batch_inputs.shape
        return self.patch(batch_inputs, batch_scores, self.sample(n, height, width))

    def __call__(self, batch_inputs: torch.Tensor, batch_score: torch.Tensor):
        if batch_inputs.dim() != 4:
            raise ValueError(f'RICAP: expects a batch of images (N, C, H, W), got shape {tuple(batch_inputs.shape)}')
        if batch_score.dim() != 2 or batch_score.shape[0] != batch_inputs.shape[0]:
            raise ValueError('RICAP: expects one-hot or soft targets of shape (N, num_classes) (set the data '
                             f'preprocessor\'s num_classes), got {tuple(batch_score.shape)}')
        return self.mix(batch_inputs, batch_score.float())

    def __repr__(self):
        return f'{self.__class__.__name__}(beta={self.beta})'
