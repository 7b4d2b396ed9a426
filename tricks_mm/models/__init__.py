from .backbones import *  # noqa: F401,F403
from .classifiers import *  # noqa: F401,F403
from .converters import CONVERTERS, convert_checkpoint  # noqa: F401
from .losses import *  # noqa: F401,F403
from .roi_extractors import *  # noqa: F401,F403
from .roi_heads import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
