"""TricksResNet: the variants' structure, the dense-prediction options and the paper's init tricks."""
import pytest
import torch
import torch.nn as nn

from tricks_mm.models.backbones.resnet import TricksResNet


def _strided_convs(model, layer):
    first = getattr(model, layer)[0]
    return {n: m.stride[0] for n, m in first.named_modules() if isinstance(m, nn.Conv2d) and m.stride[0] > 1}


@pytest.mark.parametrize('variant,expected', [
    ('A', {'conv1': 2, 'downsample.0': 2}),   # stride on the first 1x1 (original ResNet)
    ('B', {'conv2': 2, 'downsample.0': 2}),   # stride moved to the 3x3 (Fig. 2a)
    ('C', {'conv2': 2, 'downsample.0': 2}),
    ('D', {'conv2': 2}),                      # shortcut: avg-pool then stride-1 1x1 (Fig. 2c)
])
def test_where_the_stride_sits(variant, expected):
    model = TricksResNet(depth=50, variant=variant)
    assert _strided_convs(model, 'layer2') == expected
    if variant == 'D':
        pool = model.layer2[0].downsample[0]
        assert isinstance(pool, nn.AvgPool2d) and pool.kernel_size == 2 and pool.stride == 2


@pytest.mark.parametrize('variant,stem_convs', [('A', [(3, 64, 7, 2)]), ('B', [(3, 64, 7, 2)]),
                                                 ('C', [(3, 32, 3, 2), (32, 32, 3, 1), (32, 64, 3, 1)]),
                                                 ('D', [(3, 32, 3, 2), (32, 32, 3, 1), (32, 64, 3, 1)])])
def test_stem(variant, stem_convs):
    model = TricksResNet(depth=50, variant=variant)
    convs = [(m.in_channels, m.out_channels, m.kernel_size[0], m.stride[0])
             for m in model.stem if isinstance(m, nn.Conv2d)]
    assert convs == stem_convs


@pytest.mark.parametrize('depth,channels', [(18, [64, 128, 256, 512]), (34, [64, 128, 256, 512]),
                                            (50, [256, 512, 1024, 2048]), (101, [256, 512, 1024, 2048]),
                                            (152, [256, 512, 1024, 2048])])
def test_depths_and_output_shapes(depth, channels):
    model = TricksResNet(depth=depth, variant='D', out_indices=(0, 1, 2, 3)).eval()
    assert model.out_channels == channels
    with torch.no_grad():
        outs = model(torch.randn(1, 3, 64, 64))
    assert [o.shape[1] for o in outs] == channels
    assert [o.shape[-1] for o in outs] == [16, 8, 4, 2]


def test_basic_block_a_equals_b():
    """For depth 18/34 the B tweak has nothing to move: A and B are the same network."""
    a, b = TricksResNet(depth=18, variant='A').eval(), TricksResNet(depth=18, variant='B').eval()
    b.load_state_dict(a.state_dict())
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(a(x)[0], b(x)[0])


def test_d8_dilation_keeps_resolution_and_keys():
    """FCN's D8 setting: output stride 8, and the same parameter names as the classifier."""
    cls = TricksResNet(depth=50, variant='D')
    seg = TricksResNet(depth=50, variant='D', strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                       contract_dilation=True, out_indices=(0, 1, 2, 3)).eval()
    assert {k: v.shape for k, v in cls.state_dict().items()} == \
        {k: v.shape for k, v in seg.state_dict().items()}
    with torch.no_grad():
        outs = seg(torch.randn(1, 3, 64, 64))
    assert [o.shape[-1] for o in outs] == [16, 8, 8, 8]
    assert seg.layer3[0].conv2.dilation == (1, 1)  # contracted: first block dilation 2 // 2
    assert seg.layer3[1].conv2.dilation == (2, 2) and seg.layer4[1].conv2.dilation == (4, 4)
    assert seg.layer4[0].conv2.dilation == (2, 2)


@pytest.mark.parametrize('depth', [18, 50])
def test_zero_gamma_makes_every_block_an_identity_on_its_shortcut(depth):
    """Paper Section 3.1: with gamma = 0 in each block's last BN, a block outputs relu(shortcut(x))."""
    model = TricksResNet(depth=depth, variant='D', zero_init_residual=True).eval()
    torch.manual_seed(0)
    for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
        for block in layer:
            x = torch.randn(2, block.conv1.in_channels, 16, 16)
            with torch.no_grad():
                shortcut = x if block.downsample is None else block.downsample(x)
                assert torch.allclose(block(x), torch.relu(shortcut))
    no_zero = TricksResNet(depth=depth, variant='D', zero_init_residual=False)
    assert all(block.last_norm.weight.abs().sum() > 0 for block in no_zero.layer1)


def test_xavier_and_kaiming_init():
    torch.manual_seed(0)
    x = TricksResNet(depth=18, variant='B', init='xavier')
    w = x.layer1[0].conv1.weight
    bound = (6 / (w.shape[1] * 9 + w.shape[0] * 9)) ** 0.5  # xavier-uniform bound
    assert w.abs().max() <= bound + 1e-6 and w.abs().max() > 0.9 * bound
    k = TricksResNet(depth=18, variant='B', init='kaiming')
    std = (2 / (k.layer1[0].conv1.weight.shape[0] * 9)) ** 0.5  # fan_out
    assert abs(k.layer1[0].conv1.weight.std().item() - std) / std < 0.1
    with pytest.raises(KeyError, match='init must be one of'):
        TricksResNet(init='orthogonal')


def test_frozen_stages_and_norm_eval():
    model = TricksResNet(depth=18, variant='D', frozen_stages=1, norm_eval=True)
    model.train()
    assert not any(p.requires_grad for p in model.stem.parameters())
    assert not any(p.requires_grad for p in model.layer1.parameters())
    assert all(p.requires_grad for p in model.layer2.parameters())
    assert not model.stem[1].training and not model.layer3[0].bn1.training  # norm_eval


def test_norm_cfg_group_norm():
    model = TricksResNet(depth=18, variant='D', norm_cfg=dict(type='GN', num_groups=8))
    assert isinstance(model.layer1[0].bn1, nn.GroupNorm)
    assert model(torch.randn(1, 3, 32, 32))[0].shape[1] == 512


def test_with_cp_gives_same_gradients():
    torch.manual_seed(0)
    plain = TricksResNet(depth=18, variant='D', zero_init_residual=False)
    ckpt = TricksResNet(depth=18, variant='D', zero_init_residual=False, with_cp=True)
    ckpt.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 32, 32, requires_grad=True)
    plain(x)[0].sum().backward()
    g1 = plain.layer2[0].conv2.weight.grad.clone()
    ckpt(x)[0].sum().backward()
    assert torch.allclose(g1, ckpt.layer2[0].conv2.weight.grad, atol=1e-5)


@pytest.mark.parametrize('kwargs,match', [(dict(depth=42), 'depth must be one of'),
                                          (dict(variant='E'), 'variant must be one of'),
                                          (dict(out_indices=(4, )), 'out_indices')])
def test_bad_arguments_say_what_is_wrong(kwargs, match):
    with pytest.raises((KeyError, ValueError), match=match):
        TricksResNet(**kwargs)
