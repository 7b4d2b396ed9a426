from .color import HSVScaleJitter

__all__ = ['HSVScaleJitter']
