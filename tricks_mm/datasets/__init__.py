from .synthetic import SHAPES, make_ade20k, make_classification_set, make_voc_devkit

__all__ = ['SHAPES', 'make_ade20k', 'make_classification_set', 'make_voc_devkit']
