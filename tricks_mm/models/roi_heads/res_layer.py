"""Stage 4 of a TricksResNet as the RoI head's shared head: the C4 form of Faster R-CNN.

The paper's VOC numbers (Section 6.1, Table 8) come from GluonCV's Faster R-CNN on a ResNet in the C4
arrangement: the backbone runs the stem and stages 1-3 (stride 16 features for the RPN), each RoI is
pooled to 14x14 from those features, and stage 4 (stride 2, so 7x7) runs per RoI before a global
average pool and the box/class FCs. mmdet builds the same thing from its ``ResLayer`` shared head
(``configs/_base_/models/faster-rcnn_r50-caffe-c4.py``); this module is that shared head for our
ResNet-A/B/C/D, built by the same :func:`make_res_layer` as ``TricksResNet``, so its parameters carry
the classifier's names (``layer4.0.conv1.weight`` = the classifier's ``backbone.layer4.0.conv1.weight``).
"""
from typing import Optional

import torch.nn as nn
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from tricks_mm.checkpoint import load_pretrained_strict
from tricks_mm.models.backbones.resnet import (_INITS, VARIANTS, TricksResNet, init_resnet_weights,
                                               make_res_layer)
from tricks_mm.registry import MODELS


@MODELS.register_module()
class TricksResLayer(BaseModule):
    """One stage of a ResNet-A/B/C/D (paper Section 4) as an mmdet shared head (mmdet's ``ResLayer``).

    Args:
        depth: 18, 34, 50, 101 or 152 (as the classifier).
        variant: 'A', 'B', 'C' or 'D' (as the classifier; B/C/D stride the 3x3 conv, D pools the shortcut).
        stage: 0-based stage index, 3 for C4 (module name ``layer4``); 1..3.
        stride: stride of the stage's first block; 2 as in mmdet's C4 and GluonCV (RoI 14x14 -> 7x7).
        dilation: dilation of the stage's 3x3 convs.
        base_channels: width of the backbone's first stage (64).
        norm_cfg: mmcv norm config; ``requires_grad=False`` freezes the affine parameters (mmdet's C4).
        norm_eval: keep norm layers in eval mode while training (mmdet's C4, GluonCV's frozen BN).
        frozen: freeze the whole stage (no gradients, eval mode).
        with_cp: activation checkpointing of each block's residual branch.
        zero_init_residual / init: default initialisation as ``TricksResNet`` (used without a checkpoint).
        init_cfg: ``dict(type='Pretrained', checkpoint=CLASSIFIER, prefix='backbone.layer4.')`` loads the
            classifier's stage strictly into ``layer4``: every tensor under the prefix must be used, every
            parameter must be found, shapes must agree (``tricks_mm.checkpoint.load_pretrained_strict``).
    """

    def __init__(self,
                 depth: int = 50,
                 variant: str = 'D',
                 stage: int = 3,
                 stride: int = 2,
                 dilation: int = 1,
                 base_channels: int = 64,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = True,
                 frozen: bool = False,
                 with_cp: bool = False,
                 zero_init_residual: bool = True,
                 init: str = 'kaiming',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if depth not in TricksResNet.arch_settings:
            raise KeyError(f'TricksResLayer: depth must be one of {sorted(TricksResNet.arch_settings)}, '
                           f'got {depth!r}')
        if variant not in VARIANTS:
            raise KeyError(f'TricksResLayer: variant must be one of {sorted(VARIANTS)}, got {variant!r}')
        if init not in _INITS:
            raise KeyError(f'TricksResLayer: init must be one of {sorted(_INITS)}, got {init!r}')
        if stage not in (1, 2, 3):
            raise ValueError(f'TricksResLayer: stage must be 1, 2 or 3 (0-based; C4 uses 3), got {stage!r}')
        self.depth, self.variant, self.stage = depth, variant, stage
        self.norm_eval, self.frozen = norm_eval, frozen
        self.zero_init_residual, self.init = zero_init_residual, init
        block, stage_blocks = TricksResNet.arch_settings[depth]
        planes = base_channels * 2**stage
        inplanes = base_channels * 2**(stage - 1) * block.expansion
        self.in_channels, self.out_channels = inplanes, planes * block.expansion
        self.layer_name = f'layer{stage + 1}'
        self.add_module(self.layer_name, make_res_layer(block, inplanes, planes, stage_blocks[stage], stride,
                                                        dilation, VARIANTS[variant], norm_cfg,
                                                        with_cp=with_cp))
        init_resnet_weights(self, init, zero_init_residual)
        self._freeze()

    def init_weights(self):
        """Default init, or a strict load of the classifier's stage for ``init_cfg=dict(type='Pretrained')``."""
        cfg = dict(self.init_cfg) if self.init_cfg else None
        if cfg is not None and cfg.get('type') == 'Pretrained':
            want = f'{self.layer_name}.'
            if not str(cfg.get('prefix') or '').endswith(want):
                raise ValueError(
                    f'TricksResLayer loads only the classifier\'s {self.layer_name}: its init_cfg.prefix must '
                    f"end with {want!r}, e.g. prefix='backbone.{want}' for a classifier checkpoint, got "
                    f'{cfg.get("prefix")!r}')
            load_pretrained_strict(getattr(self, self.layer_name), cfg,
                                   name=f'TricksResLayer {self.layer_name} (variant/depth: '
                                        f'{self.variant}/{self.depth})')
            self._is_init = True
        elif cfg is not None:
            super().init_weights()
        else:
            init_resnet_weights(self, self.init, self.zero_init_residual)
            self._is_init = True

    def _freeze(self):
        if self.frozen:
            stage = getattr(self, self.layer_name)
            stage.eval()
            for p in stage.parameters():
                p.requires_grad = False

    def forward(self, x):
        return getattr(self, self.layer_name)(x)

    def train(self, mode=True):
        super().train(mode)
        self._freeze()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, (_BatchNorm, nn.GroupNorm)):
                    m.eval()
        return self
