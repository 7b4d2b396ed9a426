from .auto_augment import AutoAugment
from .color import HSVScaleJitter
from .erasing import Cutout, RandomErasing
from .lighting import PCALighting

__all__ = ['HSVScaleJitter', 'PCALighting', 'Cutout', 'RandomErasing', 'AutoAugment']
