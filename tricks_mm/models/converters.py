"""Key mapping from torchvision, timm and mmpretrain ResNet state dicts to tricks_mm classifiers.

The result has mmpretrain ``ImageClassifier`` keys (``backbone.*`` and ``head.fc.*``), so it loads
with ``load_from`` or as a detection/segmentation backbone (``init_cfg`` with ``prefix='backbone.'``).
Every mapped tensor is checked against a freshly built :class:`TricksResNet` of the chosen depth and
variant: a source that does not fit is refused with the list of missing, unexpected and mis-shaped keys.
"""
import re
from collections import OrderedDict
from typing import Callable, Dict

import torch

from tricks_mm.checkpoint.strict import CheckpointMismatchError, compare_state_dicts
from .backbones.resnet import TricksResNet

# deep stem: three (conv, bn) pairs at stem.0/1, stem.3/4, stem.6/7 (ReLUs between)
_DEEP_STEM = {0: ('stem.0', 'stem.1'), 1: ('stem.3', 'stem.4'), 2: ('stem.6', 'stem.7')}


def convert_timm(state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """timm ``resnet*`` (B), ``resnet*c`` (C) and ``resnet*d`` (D): deep stem ``conv1.{0,1,3,4,6}`` + ``bn1``."""
    deep = any(k.startswith('conv1.0.') for k in state)
    out = OrderedDict()
    for key, value in state.items():
        if key.startswith('fc.'):
            new = 'head.' + key
        elif key.startswith('bn1.'):
            new = ('backbone.stem.7.' if deep else 'backbone.stem.1.') + key[len('bn1.'):]
        elif key.startswith('conv1.'):
            new = 'backbone.stem.' + ('' if deep else '0.') + key[len('conv1.'):]
        else:
            new = 'backbone.' + key
        out[new] = value
    return out


def convert_torchvision(state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """torchvision ``resnet*`` (= variant B): the same names as timm's 7x7-stem ResNets."""
    return convert_timm(state)


def convert_mmpretrain(state: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """mmpretrain ``ResNet`` (caffe = A, pytorch = B), ``ResNetV1c`` (C) and ``ResNetV1d`` (D).

    mmpretrain's V1d puts the avg-pool of a shortcut at ``downsample.0`` only where it pools; we
    always keep that slot (``nn.Identity`` where nothing is pooled), so those indices shift by one.
    """
    out = OrderedDict()
    avg_down_layers = {m.group(1) for k in state
                       for m in [re.match(r'(?:backbone\.)?(layer\d+\.0)\.downsample\.2\.weight', k)] if m}
    for key, value in state.items():
        k = key[len('backbone.'):] if key.startswith('backbone.') else key
        if key.startswith('head.') or key.startswith('neck.'):
            out[key] = value
            continue
        m = re.match(r'stem\.(\d)\.(conv|bn)\.(.+)', k)
        if m:
            conv, bn = _DEEP_STEM[int(m.group(1))]
            k = f'{conv if m.group(2) == "conv" else bn}.{m.group(3)}'
        elif k.startswith('conv1.'):
            k = 'stem.0.' + k[len('conv1.'):]
        elif k.startswith('bn1.'):
            k = 'stem.1.' + k[len('bn1.'):]
        m = re.match(r'(layer\d+\.0)\.downsample\.(\d)\.(.+)', k)
        if m and avg_down_layers and m.group(1) not in avg_down_layers:
            k = f'{m.group(1)}.downsample.{int(m.group(2)) + 1}.{m.group(3)}'
        out['backbone.' + k] = value
    return out


CONVERTERS: Dict[str, Callable] = {
    'torchvision': convert_torchvision,
    'timm': convert_timm,
    'mmpretrain': convert_mmpretrain,
}


def convert_checkpoint(state: Dict[str, torch.Tensor], source: str, depth: int, variant: str,
                       backbone_only: bool = False) -> Dict[str, torch.Tensor]:
    """Map ``state`` (a ``source`` ResNet state dict) to tricks_mm keys and check it fits.

    Returns classifier keys (``backbone.*``, ``head.fc.*``) or, with ``backbone_only``, bare backbone
    keys. Raises :class:`CheckpointMismatchError` listing the keys when the source does not fit.
    """
    if source not in CONVERTERS:
        raise KeyError(f'unknown source {source!r}; choose one of {sorted(CONVERTERS)}')
    if isinstance(state, dict) and 'state_dict' in state:
        state = state['state_dict']
    mapped = CONVERTERS[source](state)
    backbone = OrderedDict((k[len('backbone.'):], v) for k, v in mapped.items() if k.startswith('backbone.'))
    head = OrderedDict((k, v) for k, v in mapped.items() if not k.startswith('backbone.'))
    model_state = TricksResNet(depth=depth, variant=variant).state_dict()
    # old torchvision files have no BN step counters: those are the only keys we may fill in
    for k, v in model_state.items():
        if k.endswith('num_batches_tracked') and k not in backbone:
            backbone[k] = torch.zeros_like(v)
    report = compare_state_dicts(model_state, backbone)
    unexpected_head = [k for k in head if k not in ('head.fc.weight', 'head.fc.bias')]
    if not report.ok or unexpected_head:
        extra = (f'\n  unexpected non-backbone keys ({len(unexpected_head)}):\n    ' +
                 '\n    '.join(unexpected_head[:20])) if unexpected_head else ''
        raise CheckpointMismatchError(
            f'the {source} checkpoint does not fit a tricks_mm ResNet-{depth}-{variant} '
            f'(keys after mapping):\n{report.format()}{extra}\n'
            'Check --depth and --variant (timm resnet50 = B, resnet50c = C, resnet50d = D; '
            'torchvision resnet50 = B; mmpretrain ResNet caffe = A, pytorch = B, V1c = C, V1d = D).')
    if backbone_only:
        return backbone
    out = OrderedDict(('backbone.' + k, v) for k, v in backbone.items())
    out.update(head)
    return out
