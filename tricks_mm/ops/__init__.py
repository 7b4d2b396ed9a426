"""Operators: a fast CPU RoIAlign, and mmcv's CPU ops made safe under autocast and channels_last."""
from .roi_align import RoIAlign, roi_align

__all__ = ['RoIAlign', 'roi_align']
