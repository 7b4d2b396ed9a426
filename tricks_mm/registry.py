"""Registries of tricks_mm: children of mmengine's root registries under the scope ``tricks_mm``.

A module registered here is reachable from any OpenMMLab scope as ``type='tricks_mm.Name'``
(mmengine resolves the scope prefix through the root registry), so the same string works in an
mmpretrain, mmdet and mmseg config. ``locations`` lets mmengine import the modules lazily.
"""
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry
from mmpretrain.registry import BATCH_AUGMENTS as MMPRETRAIN_BATCH_AUGMENTS

MODELS = Registry('model', parent=MMENGINE_MODELS, scope='tricks_mm',
                  locations=['tricks_mm.models'])
WEIGHT_INITIALIZERS = Registry('weight initializer', parent=MMENGINE_WEIGHT_INITIALIZERS,
                               scope='tricks_mm', locations=['tricks_mm.models'])
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, scope='tricks_mm',
                    locations=['tricks_mm.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS, scope='tricks_mm',
                      locations=['tricks_mm.datasets'])
METRICS = Registry('metric', parent=MMENGINE_METRICS, scope='tricks_mm',
                   locations=['tricks_mm.engine'])
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, scope='tricks_mm', locations=['tricks_mm.engine'])
OPTIM_WRAPPERS = Registry('optim wrapper', parent=MMENGINE_OPTIM_WRAPPERS, scope='tricks_mm',
                          locations=['tricks_mm.engine'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry('optimizer wrapper constructor',
                                      parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
                                      scope='tricks_mm', locations=['tricks_mm.engine'])
OPTIMIZERS = Registry('optimizer', parent=MMENGINE_OPTIMIZERS, scope='tricks_mm', locations=['tricks_mm.engine'])
# mmpretrain's batch augments (Mixup, CutMix) live in a root registry of their own, not under mmengine's
# MODELS: `type='tricks_mm.RICAP'` in `train_cfg.augments` resolves through this child of it.
BATCH_AUGMENTS = Registry('batch augment', parent=MMPRETRAIN_BATCH_AUGMENTS, scope='tricks_mm',
                          locations=['tricks_mm.models'])
PARAM_SCHEDULERS = Registry('parameter scheduler', parent=MMENGINE_PARAM_SCHEDULERS,
                            scope='tricks_mm', locations=['tricks_mm.engine'])
