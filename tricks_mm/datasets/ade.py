"""ADE20K-layout segmentation data with the user's own classes (paper Section 6.2 transfers to ADE20K).

mmseg's ``ADE20KDataset`` only accepts ADE's 150 class names. :class:`ADE20KLayoutDataset` reads the
same layout (``images/<split>/*.jpg``, ``annotations/<split>/*.png``, 0 = other, ignored through
``reduce_zero_label``) with class names from the config, and :class:`CheckSegLabels` reports a label
value outside the classes with the file and the values instead of a CUDA assert or a silent NaN.
"""
import os.path as osp

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.datasets import BaseSegDataset

from tricks_mm.registry import DATASETS, TRANSFORMS


@DATASETS.register_module()
class ADE20KLayoutDataset(BaseSegDataset):
    """``BaseSegDataset`` with ADE20K's suffixes and zero label; ``metainfo=dict(classes=...)`` required."""

    def __init__(self, img_suffix='.jpg', seg_map_suffix='.png', reduce_zero_label=True, **kwargs):
        metainfo = kwargs.get('metainfo') or {}
        if not metainfo.get('classes'):
            raise ValueError('ADE20KLayoutDataset needs the class names: metainfo=dict(classes=(...)) '
                             '(label value i + 1 in the PNGs is class i; 0 is "other")')
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix,
                         reduce_zero_label=reduce_zero_label, **kwargs)

    def load_data_list(self) -> list:
        # checked here, not after __init__: mmengine's serialize_data fails on an empty list first
        img_dir = self.data_prefix.get('img_path')
        data_list = super().load_data_list() if self.ann_file or osp.isdir(img_dir) else []
        if not data_list:
            raise FileNotFoundError(
                f'no image with suffix {self.img_suffix} found under {img_dir}; '
                'expected the ADE20K layout images/<split>/*.jpg and annotations/<split>/*.png')
        return data_list


@TRANSFORMS.register_module()
class CheckSegLabels(BaseTransform):
    """After ``LoadAnnotations``: every value of ``gt_seg_map`` must be a class index or ``ignore_index``."""

    def __init__(self, num_classes: int, ignore_index: int = 255):
        self.num_classes, self.ignore_index = num_classes, ignore_index

    def transform(self, results: dict) -> dict:
        values = np.unique(results['gt_seg_map'])
        bad = [int(v) for v in values if v >= self.num_classes and v != self.ignore_index]
        if bad:
            raise ValueError(
                f'{results.get("seg_map_path")}: label values {bad} are outside the {self.num_classes} '
                f'classes (valid: 0..{self.num_classes - 1} and {self.ignore_index} = ignore, after '
                'reduce_zero_label). Check the class list in the config and the label maps.')
        return results
