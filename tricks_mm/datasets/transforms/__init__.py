from .color import HSVScaleJitter
from .lighting import PCALighting

__all__ = ['HSVScaleJitter', 'PCALighting']
