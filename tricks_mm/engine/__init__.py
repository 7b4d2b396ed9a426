from . import hooks  # noqa: F401  (registers the hooks)
from .optim_wrappers import BF16OptimWrapper
from .optimizers import AdaBound
from .schedulers import CosineDecayLR, LinearWarmupLR

__all__ = ['AdaBound', 'BF16OptimWrapper', 'CosineDecayLR', 'LinearWarmupLR']
