from . import hooks  # noqa: F401  (registers the hooks)
from .optim_wrappers import BF16OptimWrapper
from .schedulers import CosineDecayLR, LinearWarmupLR

__all__ = ['BF16OptimWrapper', 'CosineDecayLR', 'LinearWarmupLR']
