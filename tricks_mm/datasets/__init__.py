from .ade import ADE20KLayoutDataset, CheckSegLabels
from .synthetic import SHAPES, make_ade20k, make_classification_set, make_voc_devkit
from .transforms import HSVScaleJitter, PCALighting
from .voc import VOCLayoutDataset

__all__ = [
    'ADE20KLayoutDataset', 'CheckSegLabels', 'SHAPES', 'make_ade20k', 'make_classification_set',
    'make_voc_devkit', 'HSVScaleJitter', 'PCALighting', 'VOCLayoutDataset'
]
