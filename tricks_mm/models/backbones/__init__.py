from .resnet import VARIANTS, TricksResNet

__all__ = ['TricksResNet', 'VARIANTS']
