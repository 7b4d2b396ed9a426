"""Inference on single images for the three tasks, as ``mmpretrain.apis``/``mmdet.apis``/``mmseg.apis``.

    model = init_model('configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py', 'work_dirs/x/iter_4.pth')
    result = inference_model(model, 'demo.jpg')     # DetDataSample / SegDataSample / mmpretrain DataSample

The config's ``default_scope`` (mmpretrain, mmdet or mmseg) decides which package builds the model. The
checkpoint is read through tricks_mm's weights-only loader (:mod:`tricks_mm.checkpoint.safe_load`; plain
``torch.load`` refuses mmengine checkpoints on torch >= 2.6, mmengine #1655) and loaded strictly: a
checkpoint whose keys or shapes do not fit the config's model is an error listing them, never a
half-random model. Images go through the config's test pipeline without its annotation loading.
"""
import copy
import os.path as osp
from importlib import import_module
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import DefaultScope

import tricks_mm  # noqa: F401  (installs the safe checkpoint loader)
from tricks_mm.checkpoint.strict import CheckpointMismatchError, compare_state_dicts, extract_state_dict

TASKS = {'mmpretrain': 'cls', 'mmdet': 'det', 'mmseg': 'seg'}
# transforms that read ground truth or files: the image is loaded here, and there is no annotation
_SKIPPED_TRANSFORMS = ('LoadImageFromFile', 'LoadAnnotations', 'CheckSegLabels')
ImageType = Union[str, np.ndarray]


def task_of(cfg: Config) -> str:
    """'cls', 'det' or 'seg' from the config's ``default_scope``."""
    scope = cfg.get('default_scope')
    if scope not in TASKS:
        raise KeyError(f'default_scope {scope!r}: inference supports the scopes {sorted(TASKS)} '
                       "(inherit a runtime base such as 'mmdet::_base_/default_runtime.py')")
    return TASKS[scope]


def _inference_model_cfg(model_cfg) -> dict:
    """The model config without what only training needs: pretrained initialisation (the checkpoint
    supplies every tensor) and a distillation teacher (paper Section 5.3; the student is an
    ``ImageClassifier``)."""
    model_cfg = copy.deepcopy(model_cfg)
    if str(model_cfg.get('type', '')).endswith('DistillImageClassifier'):
        for key in ('teacher', 'teacher_checkpoint', 'temperature', 'hard_weight'):
            model_cfg.pop(key, None)
        model_cfg['type'] = 'ImageClassifier'
    model_cfg.pop('pretrained', None)
    if isinstance(model_cfg.get('backbone'), dict):
        model_cfg['backbone']['init_cfg'] = None
    return model_cfg


def _dataset_meta(cfg: Config, checkpoint: Optional[dict]) -> dict:
    meta = (checkpoint or {}).get('meta', {}).get('dataset_meta') if isinstance(checkpoint, dict) else None
    if meta and meta.get('classes'):
        return dict(meta)
    for loader in ('test_dataloader', 'val_dataloader', 'train_dataloader'):
        dataset = (cfg.get(loader) or {}).get('dataset', {})
        classes = (dataset.get('metainfo') or {}).get('classes')
        if classes:
            return dict(classes=tuple(classes))
    return {}


def load_strict(model: torch.nn.Module, checkpoint: Union[str, dict], strict: bool = True) -> dict:
    """Load ``checkpoint`` (a path or a loaded dict) into ``model``; every tensor must fit when ``strict``.

    Returns the loaded checkpoint dict (its ``meta`` holds the training's ``dataset_meta``)."""
    from mmengine.runner.checkpoint import _load_checkpoint
    loaded = _load_checkpoint(checkpoint, map_location='cpu') if isinstance(checkpoint, str) else checkpoint
    state = extract_state_dict(loaded)
    report = compare_state_dicts(model.state_dict(), state)
    if strict and not report.ok:
        raise CheckpointMismatchError(
            f'checkpoint {checkpoint if isinstance(checkpoint, str) else "(dict)"} does not fit the config\'s '
            f'model:\n{report.format()}\nPass the --cfg-options / cfg_options used in training, or the '
            'config the checkpoint was trained with.')
    model.load_state_dict(state, strict=strict)
    return loaded if isinstance(loaded, dict) else {}


def read_config(config: Union[str, Config], cfg_options: Optional[dict] = None) -> Config:
    """A config file (or a copy of a Config) with ``cfg_options`` (``--cfg-options``) merged in."""
    if isinstance(config, str):
        if not osp.isfile(config):
            raise FileNotFoundError(f'config file {config} does not exist')
        config = Config.fromfile(config)
    elif not isinstance(config, Config):
        raise TypeError(f'config must be a file path or an mmengine Config, got {type(config).__name__}')
    cfg = copy.deepcopy(config)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def init_model(config: Union[str, Config], checkpoint: Optional[str] = None, device: str = 'cpu',
               cfg_options: Optional[dict] = None, strict: bool = True) -> torch.nn.Module:
    """Build the classifier, detector or segmentor of ``config`` and load ``checkpoint`` strictly.

    The model is in eval mode on ``device``, with ``model.cfg`` (the config) and ``model.dataset_meta``
    (class names from the checkpoint's ``meta``, else from the config's dataset ``metainfo``).
    """
    cfg = read_config(config, cfg_options)
    scope = cfg.get('default_scope')
    task_of(cfg)
    from tricks_mm.utils.setup_env import register_all_modules
    register_all_modules(init_default_scope=False)
    registry = import_module(f'{scope}.registry').MODELS
    model_cfg = _inference_model_cfg(cfg.model)
    # as mmengine's Runner: a top-level data_preprocessor (mmpretrain configs) is the model's
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    with DefaultScope.overwrite_default_scope(scope):
        model = registry.build(model_cfg)
    loaded = None
    if checkpoint is not None:
        if isinstance(checkpoint, str) and not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint {checkpoint} does not exist')
        loaded = load_strict(model, checkpoint, strict)
    model.cfg = cfg
    model.dataset_meta = _dataset_meta(cfg, loaded)
    return model.to(device).eval()


def _test_pipeline_cfg(cfg: Config) -> List[dict]:
    for loader in ('test_dataloader', 'val_dataloader'):
        pipeline = ((cfg.get(loader) or {}).get('dataset') or {}).get('pipeline')
        if pipeline:
            break
    else:
        pipeline = cfg.get('test_pipeline')
    if not pipeline:
        raise KeyError('the config has no test pipeline (test_dataloader.dataset.pipeline or test_pipeline)')
    return [copy.deepcopy(t) for t in pipeline
            if str(t['type']).split('.')[-1] not in _SKIPPED_TRANSFORMS]


def build_test_pipeline(cfg: Config) -> Compose:
    """The config's test pipeline after image loading, without annotation loading and label checks."""
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return Compose(_test_pipeline_cfg(cfg))


def _read(image: ImageType) -> Tuple[np.ndarray, Optional[str]]:
    """BGR uint8 array (OpenMMLab's convention, as ``LoadImageFromFile``) and the path, if any."""
    import mmcv
    if isinstance(image, np.ndarray):
        return image, None
    if not osp.isfile(image):
        raise FileNotFoundError(f'image {image} does not exist')
    img = mmcv.imread(image, flag='color', channel_order='bgr')
    if img is None:
        raise ValueError(f'{image} is not an image OpenCV can read')
    return img, image


def inference_model(model: torch.nn.Module, images: Union[ImageType, Sequence[ImageType]], pipeline=None):
    """Predict one image (path or BGR array) or a list of them with a model from :func:`init_model`.

    Returns the task's data sample (a list for a list input): mmpretrain ``DataSample`` with
    ``pred_score``/``pred_label``, mmdet ``DetDataSample`` with ``pred_instances`` (boxes in the
    image's pixels), or mmseg ``SegDataSample`` with ``pred_sem_seg`` at the image's size.
    """
    batch = isinstance(images, (list, tuple))
    pipeline = pipeline or build_test_pipeline(model.cfg)
    items = []
    for i, image in enumerate(images if batch else [images]):
        img, path = _read(image)
        items.append(pipeline(dict(img=img, img_path=path, img_id=i, img_shape=img.shape[:2],
                                   ori_shape=img.shape[:2])))
    with torch.no_grad():
        results = model.test_step(pseudo_collate(items))
    return results if batch else results[0]


def class_names(model, num: int) -> List[str]:
    classes = list((getattr(model, 'dataset_meta', None) or {}).get('classes') or [])
    return classes + [str(i) for i in range(len(classes), num)]


def topk_classes(model, result, k: int = 5) -> List[Tuple[int, str, float]]:
    """The ``k`` best classes of a classification result: (label, name, score), best first."""
    scores = result.pred_score.detach().cpu()
    values, labels = scores.topk(min(k, scores.numel()))
    names = class_names(model, scores.numel())
    return [(int(i), names[int(i)], float(v)) for v, i in zip(values, labels)]


__all__ = ['TASKS', 'build_test_pipeline', 'class_names', 'inference_model', 'init_model', 'load_strict',
           'read_config', 'task_of', 'topk_classes']
