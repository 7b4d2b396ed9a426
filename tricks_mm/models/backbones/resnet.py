"""ResNet-A/B/C/D of "Bag of Tricks" (He et al., CVPR 2019), Section 4, Figure 2: one network, four variants.

* **A** - the original ResNet: a downsampling bottleneck strides its first 1x1 conv; 7x7 stem.
* **B** - the stride moves to the 3x3 conv of the bottleneck (Fig. 2a), so no input is skipped.
* **C** - B plus a deep stem: three 3x3 convs (32, 32, 64 channels), the first with stride 2 (Fig. 2b).
* **D** - C plus an average-pooled shortcut: 2x2 avg-pool with stride 2, then a 1x1 conv with stride 1 (Fig. 2c).

For the basic-block depths (18, 34) there is no 1x1 conv in the residual path, so the B tweak has
nothing to move: A and B are the same network, and C and D differ from them as for deep nets.

The same class is the backbone of an mmpretrain ``ImageClassifier``, an mmdet ``FasterRCNN`` and an
mmseg ``EncoderDecoder`` (``type='tricks_mm.TricksResNet'``). Its parameter names never depend on
strides or dilations (the avg-pool slot of a D shortcut is an ``nn.Identity`` where nothing is pooled),
so a classifier's ``backbone.*`` weights fit the dilated D8 segmentation backbone unchanged.

For the C4 form of Faster R-CNN (the paper's GluonCV detector, Section 6.1) the network is split in two
with the same names: ``TricksResNet(num_stages=3)`` is stem + ``layer1``-``layer3`` (stride 16) and
``tricks_mm.TricksResLayer`` (``models/roi_heads/res_layer.py``) is ``layer4``, built by
:func:`make_res_layer` below.
"""
from typing import Dict, NamedTuple, Optional, Sequence

import torch.nn as nn
import torch.utils.checkpoint as cp
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from tricks_mm.registry import MODELS
from tricks_mm.checkpoint import load_pretrained_strict


class Variant(NamedTuple):
    """The tweaks that define a ResNet variant (paper Section 4)."""
    stride_on_3x3: bool  # B: stride 2 on the 3x3 conv instead of the first 1x1 conv
    deep_stem: bool  # C: three 3x3 convs replace the 7x7 stem conv
    avg_down: bool  # D: avg-pool then stride-1 1x1 conv on the downsampling shortcut


VARIANTS: Dict[str, Variant] = {
    'A': Variant(stride_on_3x3=False, deep_stem=False, avg_down=False),
    'B': Variant(stride_on_3x3=True, deep_stem=False, avg_down=False),
    'C': Variant(stride_on_3x3=True, deep_stem=True, avg_down=False),
    'D': Variant(stride_on_3x3=True, deep_stem=True, avg_down=True),
}


def _conv(cin, cout, k, stride=1, dilation=1):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=dilation * (k // 2), dilation=dilation,
                     bias=False)


def _norm(norm_cfg, channels):
    return build_norm_layer(norm_cfg, channels)[1]


class BasicBlock(nn.Module):
    """Two 3x3 convs (ResNet-18/34). ``stride_on_3x3`` is irrelevant here: both convs are 3x3."""
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, dilation=1, downsample=None,
                 stride_on_3x3=True, norm_cfg=dict(type='BN'), with_cp=False):
        super().__init__()
        self.conv1 = _conv(inplanes, planes, 3, stride, dilation)
        self.bn1 = _norm(norm_cfg, planes)
        self.conv2 = _conv(planes, planes, 3, 1, dilation)
        self.bn2 = _norm(norm_cfg, planes)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.with_cp = with_cp

    @property
    def last_norm(self):
        return self.bn2

    def _residual(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        return self.bn2(self.conv2(out))

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        if self.with_cp and x.requires_grad:
            out = cp.checkpoint(self._residual, x, use_reentrant=False)
        else:
            out = self._residual(x)
        return self.relu(out + shortcut)


class Bottleneck(BasicBlock):
    """1x1 -> 3x3 -> 1x1 bottleneck. The stride sits on conv1 (A) or conv2 (B/C/D), Fig. 2a."""
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, dilation=1, downsample=None,
                 stride_on_3x3=True, norm_cfg=dict(type='BN'), with_cp=False):
        nn.Module.__init__(self)
        s1, s3 = (1, stride) if stride_on_3x3 else (stride, 1)
        self.conv1 = _conv(inplanes, planes, 1, s1)
        self.bn1 = _norm(norm_cfg, planes)
        self.conv2 = _conv(planes, planes, 3, s3, dilation)
        self.bn2 = _norm(norm_cfg, planes)
        self.conv3 = _conv(planes, planes * self.expansion, 1)
        self.bn3 = _norm(norm_cfg, planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.with_cp = with_cp

    @property
    def last_norm(self):
        return self.bn3

    def _residual(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.bn3(self.conv3(out))


def make_res_layer(block, inplanes: int, planes: int, num_blocks: int, stride: int, dilation: int,
                   tweaks: Variant, norm_cfg: dict, contract_dilation: bool = False,
                   with_cp: bool = False) -> nn.Sequential:
    """One ResNet stage with the variant's tweaks (B: stride on the 3x3; D: avg-pooled shortcut).

    Shared by :class:`TricksResNet` and the C4 shared head, so both give a stage the same parameter
    names (``<i>.conv1.weight``, ``0.downsample.<j>.weight``, ...).
    """
    outplanes = planes * block.expansion
    downsample = None
    if stride != 1 or inplanes != outplanes:
        downsample = _make_downsample(inplanes, outplanes, stride, tweaks, norm_cfg)
    first_dilation = dilation // 2 if (contract_dilation and dilation > 1) else dilation
    kw = dict(stride_on_3x3=tweaks.stride_on_3x3, norm_cfg=norm_cfg, with_cp=with_cp)
    blocks = [block(inplanes, planes, stride, first_dilation, downsample, **kw)]
    blocks += [block(outplanes, planes, 1, dilation, None, **kw) for _ in range(1, num_blocks)]
    return nn.Sequential(*blocks)


def _make_downsample(inplanes, outplanes, stride, tweaks, norm_cfg):
    if not tweaks.avg_down:
        return nn.Sequential(_conv(inplanes, outplanes, 1, stride), _norm(norm_cfg, outplanes))
    pool = (nn.AvgPool2d(stride, stride, ceil_mode=True, count_include_pad=False)
            if stride != 1 else nn.Identity())
    return nn.Sequential(pool, _conv(inplanes, outplanes, 1), _norm(norm_cfg, outplanes))


def init_resnet_weights(module: nn.Module, init: str, zero_init_residual: bool) -> None:
    """Conv weights by ``init`` ('kaiming' or 'xavier', Section 2.1), norms to (1, 0), and zero gamma
    on each block's last norm when ``zero_init_residual`` (Section 3.1)."""
    conv_init = _INITS[init]
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            conv_init(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (_BatchNorm, nn.GroupNorm)):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    if zero_init_residual:
        for m in module.modules():
            if isinstance(m, BasicBlock):
                nn.init.zeros_(m.last_norm.weight)


@MODELS.register_module()
class TricksResNet(BaseModule):
    """ResNet-A/B/C/D backbone (paper Section 4) at depth 18, 34, 50, 101 or 152.

    Args:
        depth: 18, 34, 50, 101 or 152.
        variant: 'A', 'B', 'C' or 'D' (see the module docstring, paper Fig. 2).
        in_channels: input image channels.
        stem_channels: output channels of the stem (64); the deep stem's first two convs use half.
        base_channels: width of the first stage (64).
        num_stages: build stem + ``layer1``..``layer<num_stages>`` (1-4). 3 is the C4 detector's
            backbone (stride 16); its ``layer4`` lives in ``tricks_mm.TricksResLayer``.
        strides / dilations: per stage (4 values, or ``num_stages`` values). FCN's D8 setting is
            ``strides=(1, 2, 1, 1)``, ``dilations=(1, 1, 2, 4)`` with ``contract_dilation=True``.
        contract_dilation: the first block of a dilated stage uses half the dilation (as mmseg).
        out_indices: stages whose outputs are returned (0-based, below ``num_stages``).
        frozen_stages: stages (with the stem) to freeze; -1 freezes nothing, 0 only the stem.
        norm_cfg: mmcv norm config (BN, SyncBN, GN, ...).
        norm_eval: keep every norm layer in eval mode while training (detection fine-tuning).
        with_cp: activation checkpointing of each block's residual branch (saves memory).
        zero_init_residual: zero gamma of each block's last BN, paper Section 3.1 ("zero gamma").
        init: 'kaiming' (He normal, fan_out) or 'xavier' (uniform; the paper's baseline, Section 2.1).
        init_cfg: ``dict(type='Pretrained', checkpoint=..., prefix='backbone.')`` loads a classifier's
            backbone strictly: missing, unexpected or mis-shaped keys are an error listing them;
            ``strict=False`` in the dict allows a partial load (logged); ``ignore_prefixes=('layer4.',)``
            leaves a classifier's ``layer4`` to the C4 shared head (see ``checkpoint/strict.py``).
    """
    arch_settings = {
        18: (BasicBlock, (2, 2, 2, 2)),
        34: (BasicBlock, (3, 4, 6, 3)),
        50: (Bottleneck, (3, 4, 6, 3)),
        101: (Bottleneck, (3, 4, 23, 3)),
        152: (Bottleneck, (3, 8, 36, 3)),
    }

    def __init__(self,
                 depth: int = 50,
                 variant: str = 'D',
                 in_channels: int = 3,
                 stem_channels: int = 64,
                 base_channels: int = 64,
                 num_stages: int = 4,
                 strides: Sequence[int] = (1, 2, 2, 2),
                 dilations: Sequence[int] = (1, 1, 1, 1),
                 contract_dilation: bool = False,
                 out_indices: Sequence[int] = (3, ),
                 frozen_stages: int = -1,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = False,
                 with_cp: bool = False,
                 zero_init_residual: bool = True,
                 init: str = 'kaiming',
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if depth not in self.arch_settings:
            raise KeyError(f'TricksResNet: depth must be one of {sorted(self.arch_settings)}, '
                           f'got {depth!r}')
        if variant not in VARIANTS:
            raise KeyError(f'TricksResNet: variant must be one of {sorted(VARIANTS)}, got {variant!r}')
        if init not in _INITS:
            raise KeyError(f'TricksResNet: init must be one of {sorted(_INITS)}, got {init!r}')
        if num_stages not in (1, 2, 3, 4):
            raise ValueError(f'TricksResNet: num_stages must be 1..4, got {num_stages!r}')
        if not (len(strides) == len(dilations) and len(strides) in (num_stages, 4)):
            raise ValueError(f'TricksResNet: strides and dilations need one value per stage ({num_stages}'
                             f'{", or 4" if num_stages != 4 else ""}), got {strides} and {dilations}')
        if not all(0 <= i < num_stages for i in out_indices):
            raise ValueError(f'TricksResNet: out_indices must lie in 0..{num_stages - 1} '
                             f'(num_stages={num_stages}), got {out_indices}')
        self.depth, self.variant, self.num_stages = depth, variant, num_stages
        self.tweaks = VARIANTS[variant]
        self.out_indices = tuple(out_indices)
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self.zero_init_residual = zero_init_residual
        self.init = init
        self.norm_cfg = norm_cfg
        block, stage_blocks = self.arch_settings[depth]

        self.stem = self._make_stem(in_channels, stem_channels)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        inplanes = stem_channels
        self.res_layers = []
        for i, num_blocks in enumerate(stage_blocks[:num_stages]):
            planes = base_channels * 2**i
            layer = make_res_layer(block, inplanes, planes, num_blocks, strides[i], dilations[i],
                                   self.tweaks, norm_cfg, contract_dilation, with_cp)
            inplanes = planes * block.expansion
            name = f'layer{i + 1}'
            self.add_module(name, layer)
            self.res_layers.append(name)
        self.feat_dim = inplanes
        self.out_channels = [base_channels * 2**i * block.expansion for i in range(4)]
        self._init_default()
        self._freeze_stages()

    def _make_stem(self, in_channels, stem_channels):
        if not self.tweaks.deep_stem:
            return nn.Sequential(_conv(in_channels, stem_channels, 7, stride=2),
                                 _norm(self.norm_cfg, stem_channels), nn.ReLU(inplace=True))
        mid = stem_channels // 2  # 32, 32, 64 for the paper's stem (Fig. 2b)
        layers = []
        for cin, cout, stride in ((in_channels, mid, 2), (mid, mid, 1), (mid, stem_channels, 1)):
            layers += [_conv(cin, cout, 3, stride), _norm(self.norm_cfg, cout), nn.ReLU(inplace=True)]
        return nn.Sequential(*layers)

    def _init_default(self):
        init_resnet_weights(self, self.init, self.zero_init_residual)

    def init_weights(self):
        """Default init (``init``, zero gamma), or a strict load for ``init_cfg=dict(type='Pretrained')``."""
        cfg = dict(self.init_cfg) if self.init_cfg else None
        if cfg is not None and cfg.get('type') == 'Pretrained':
            load_pretrained_strict(self, cfg)
            self._is_init = True
        elif cfg is not None:
            super().init_weights()
        else:
            self._init_default()
            self._is_init = True

    def _freeze_stages(self):
        frozen = ['stem'] + self.res_layers[:max(self.frozen_stages, 0)] if self.frozen_stages >= 0 else []
        for name in frozen:
            module = getattr(self, name)
            module.eval()
            for p in module.parameters():
                p.requires_grad = False

    def forward(self, x):
        x = self.maxpool(self.stem(x))
        outs = []
        for i, name in enumerate(self.res_layers):
            x = getattr(self, name)(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def train(self, mode=True):
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, (_BatchNorm, nn.GroupNorm)):
                    m.eval()
        return self


def _kaiming(w):
    nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu')


def _xavier(w):
    nn.init.xavier_uniform_(w)


_INITS = {'kaiming': _kaiming, 'xavier': _xavier}
