from .optim_wrappers import BF16OptimWrapper
from .schedulers import CosineDecayLR, LinearWarmupLR

__all__ = ['BF16OptimWrapper', 'CosineDecayLR', 'LinearWarmupLR']
