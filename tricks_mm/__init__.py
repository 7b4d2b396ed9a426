"""tricks_mm: the "Bag of Tricks for Image Classification with CNNs" (He et al., CVPR 2019) for OpenMMLab.

Importing the package makes mmengine load checkpoints with ``weights_only=True`` and an allow-list
(:mod:`tricks_mm.checkpoint.safe_load`) and write them atomically (:mod:`tricks_mm.checkpoint.atomic_save`),
and makes mmcv's CPU ops (nms, RoIAlign) run in fp32 under bf16 autocast (:mod:`tricks_mm.ops.mmcv_autocast`).
"""
import warnings

# mmengine imports pkg_resources to resolve `mmdet::` config paths; setuptools>=81 warns on every import.
warnings.filterwarnings('ignore', message='pkg_resources is deprecated', category=UserWarning)

from .checkpoint.atomic_save import install_atomic_local_backend
from .checkpoint.safe_load import install_safe_loader
from .ops import mmcv_autocast as _mmcv_autocast

__version__ = '0.1.0'

install_safe_loader()
install_atomic_local_backend()
_mmcv_autocast.install()
