"""Initialisation as a named config choice: Xavier (the paper's baseline, Section 2.1), Kaiming (He et al., ICCV
2015) and zero gamma (Section 3.1) on top of either, in the Imagenette init rows.

* Xavier-uniform: U[-a, a], a = sqrt(6 / (fan_in + fan_out)), fan = channels x k x k (Glorot & Bengio 2010).
* Kaiming-normal, torchvision's and mmpretrain's ResNet choice: N(0, 2 / fan_out), fan_out = out channels x k x k
  (He et al. eq. 14, the backward-pass form).
* zero gamma: the last BN of each residual block starts at gamma = 0, so each block starts as its shortcut.
The FC layer is Xavier-uniform in every row.
"""
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import tricks_mm  # noqa: F401
import tricks_mm.models  # noqa: F401
from conftest import REPO
from tricks_mm.models.backbones.resnet import BasicBlock
from tricks_mm.reproduce import metafile as mf

ROWS = {  # config -> (conv init, zero gamma)
    'resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px': ('xavier', True),
    'resnet18-d_1xb64-efficient-cos-ls-kaiming-8e_imagenette-40px': ('kaiming', True),
    'resnet18-d_1xb64-efficient-cos-ls-nozerogamma-8e_imagenette-40px': ('xavier', False),
    'resnet18-d_1xb64-efficient-cos-ls-kaiming-nozerogamma-8e_imagenette-40px': ('kaiming', False),
}


def _cfg(name):
    return Config.fromfile(osp.join(REPO, 'configs', 'imagenette', name + '.py'))


def _model(name, depth=None):
    from mmpretrain.registry import MODELS
    init_default_scope('mmpretrain')
    cfg = _cfg(name).model
    if depth:
        cfg.backbone.depth = depth
        cfg.head.in_channels = 2048 if depth >= 50 else 512
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def _fans(w):
    receptive = w[0, 0].numel() if w.dim() > 2 else 1
    return w.shape[1] * receptive, w.shape[0] * receptive


def _convs(model):
    return [m.weight.detach() for m in model.backbone.modules() if isinstance(m, torch.nn.Conv2d)]


def xavier_uniform_stats(weights):
    """(largest |w| / a over all convs, std of the pooled w / a): 1 and 1 / sqrt(3) for Xavier-uniform."""
    scaled = [w / math.sqrt(6.0 / sum(_fans(w))) for w in weights]
    pooled = torch.cat([s.flatten() for s in scaled])
    return pooled.abs().max().item(), pooled.std().item()


def kaiming_normal_stats(weights):
    """Pooled z = w / sqrt(2 / fan_out): (mean, std, share of |z| > 2, excess kurtosis); N(0, 1): 0, 1, 0.0455, 0.
    A uniform law of the same std has no |z| > 1.74 and kurtosis -1.2."""
    z = torch.cat([(w / math.sqrt(2.0 / _fans(w)[1])).flatten() for w in weights]).double()
    mean, std = z.mean().item(), z.std().item()
    kurt = (((z - z.mean()) / z.std()) ** 4).mean().item() - 3
    return mean, std, (z.abs() > 2).double().mean().item(), kurt


def _is_xavier(weights):
    top, std = xavier_uniform_stats(weights)
    return 0.98 < top <= 1.0 and abs(std - 1 / math.sqrt(3)) < 0.01


def _is_kaiming(weights):
    mean, std, tail, kurt = kaiming_normal_stats(weights)
    return abs(mean) < 0.01 and abs(std - 1) < 0.01 and abs(tail - 0.0455) < 0.004 and abs(kurt) < 0.05


@pytest.mark.parametrize('name', list(ROWS), ids=list(ROWS))
def test_conv_and_fc_statistics_match_the_named_scheme(name):
    init, _ = ROWS[name]
    assert _cfg(name).model.backbone.init == init
    model = _model(name)
    convs = _convs(model)
    assert sum(w.numel() for w in convs) > 10 ** 6
    # the chosen scheme fits, the other one does not (each check can fail)
    assert _is_xavier(convs) == (init == 'xavier')
    assert _is_kaiming(convs) == (init == 'kaiming')
    if init == 'kaiming':  # per layer as well: each conv's std is its own sqrt(2 / fan_out)
        for w in convs:
            if w.numel() >= 20000:
                assert w.std().item() == pytest.approx(math.sqrt(2.0 / _fans(w)[1]), rel=0.03)
    fc = model.head.fc.weight.detach()
    a = math.sqrt(6.0 / sum(_fans(fc)))
    assert fc.abs().max() <= a and fc.std().item() == pytest.approx(a / math.sqrt(3), rel=0.05)
    assert torch.count_nonzero(model.head.fc.bias) == 0


@pytest.mark.parametrize('name', list(ROWS), ids=list(ROWS))
def test_zero_gamma_zeroes_the_last_bn_of_each_block(name):
    """Section 3.1: gamma = 0 in the BN that ends each residual branch (bn2 of a basic block, bn3 of a
    bottleneck); every other BN gamma 1, every beta 0. Each block then starts as relu(shortcut(x))."""
    _, zero = ROWS[name]
    for depth, last, blocks in ((18, 'bn2', 8), (50, 'bn3', 16)):
        model = _model(name, depth)
        block_list = [b for b in model.backbone.modules() if isinstance(b, BasicBlock)]
        assert len(block_list) == blocks
        zeroed = []
        for mod_name, m in model.backbone.named_modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                assert torch.count_nonzero(m.bias) == 0
                if torch.all(m.weight == 0):
                    zeroed.append(mod_name)
                else:
                    assert torch.all(m.weight == 1), mod_name
        expected = [f'layer{s}.{i}.{last}' for s, n in zip((1, 2, 3, 4), (2, 2, 2, 2) if depth == 18 else (3, 4, 6, 3))
                    for i in range(n)]
        assert zeroed == (expected if zero else [])
        if depth == 18:
            block = model.backbone.layer2[0].eval()  # a downsampling block: shortcut = avg-pool + 1x1 conv + BN
            x = torch.randn(2, 64, 8, 8)
            with torch.no_grad():
                identity = torch.equal(block(x), torch.relu(block.downsample(x)))
            assert identity == zero


@pytest.mark.parametrize('name', list(ROWS), ids=list(ROWS))
def test_the_choice_is_shown_in_the_results(name):
    """The metafile (and so the README table and the runner's rows) names the init: `Init`, and the tricks
    `kaiming init` / `zero gamma` as the config sets them."""
    init, zero = ROWS[name]
    meta = mf.config_metadata(_cfg(name), name)
    assert meta['Init'] == f'conv {init}, fc xavier'
    assert ('kaiming init' in meta['Tricks']) == (init == 'kaiming')
    assert ('zero gamma' in meta['Tricks']) == zero
    declared = [m for m in mf.models() if m['Name'] == name]
    assert len(declared) == 1 and declared[0]['Metadata'] == meta
    row = next(line for line in mf.readme_tables()['imagenette'].splitlines() if f'`{name}`' in line)
    assert ('kaiming init' in row) == (init == 'kaiming') and ('zero gamma' in row) == zero
