from .synthetic import SHAPES, make_ade20k, make_classification_set, make_voc_devkit
from .transforms import HSVScaleJitter

__all__ = ['SHAPES', 'make_ade20k', 'make_classification_set', 'make_voc_devkit', 'HSVScaleJitter']
