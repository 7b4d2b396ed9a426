from .label_smooth import LabelSmoothLoss

__all__ = ['LabelSmoothLoss']
