"""Architecture identity: randomly initialised reference networks, converted into ours, give the same
outputs (eval mode, max abs diff < 1e-4). mmpretrain ResNet caffe = A, pytorch = B, V1c = C, V1d = D;
timm resnet50 / resnet50c / resnet50d; torchvision resnet50 = B."""
import pytest
import torch
import torch.nn as nn

from tricks_mm.checkpoint import CheckpointMismatchError
from tricks_mm.models.backbones.resnet import TricksResNet
from tricks_mm.models.converters import convert_checkpoint


def _randomise_norms(model):
    """Random BN statistics and affine terms, so that a mis-mapped BN cannot go unnoticed."""
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)
    model.eval()  # (mmpretrain backbones return None from train())
    return model


def _ours(ref, source, depth, variant):
    ours = TricksResNet(depth=depth, variant=variant).eval()
    ours.load_state_dict(convert_checkpoint(ref.state_dict(), source, depth, variant, backbone_only=True))
    return ours


def _assert_same(ref_out, our_out):
    assert ref_out.shape == our_out.shape
    assert our_out.abs().mean() > 1e-3  # a real signal, not an all-zero map
    assert (ref_out - our_out).abs().max().item() < 1e-4


X = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize('name,variant', [('resnet50', 'B'), ('resnet50c', 'C'), ('resnet50d', 'D'),
                                          ('resnet18d', 'D'), ('resnet34', 'B')])
def test_timm(name, variant):
    timm = pytest.importorskip('timm')
    ref = _randomise_norms(timm.create_model(name, pretrained=False))
    depth = int(name[6:8]) if name[6:8].isdigit() else int(name[6:9])
    ours = _ours(ref, 'timm', depth, variant)
    with torch.no_grad():
        _assert_same(ref.forward_features(X), ours(X)[-1])


def test_torchvision_resnet50_is_b():
    import torchvision
    ref = _randomise_norms(torchvision.models.resnet50(weights=None))
    ours = _ours(ref, 'torchvision', 50, 'B')
    with torch.no_grad():
        _assert_same(nn.Sequential(*list(ref.children())[:-2])(X), ours(X)[-1])


@pytest.mark.parametrize('cls_name,kwargs,variant', [
    ('ResNet', dict(style='caffe'), 'A'),
    ('ResNet', dict(style='pytorch'), 'B'),
    ('ResNetV1c', dict(), 'C'),
    ('ResNetV1d', dict(), 'D'),
])
def test_mmpretrain(cls_name, kwargs, variant):
    import mmpretrain.models.backbones as backbones
    ref = _randomise_norms(getattr(backbones, cls_name)(depth=50, out_indices=(0, 1, 2, 3), **kwargs))
    state = {'backbone.' + k: v for k, v in ref.state_dict().items()}
    ours = TricksResNet(depth=50, variant=variant, out_indices=(0, 1, 2, 3)).eval()
    ours.load_state_dict(convert_checkpoint(state, 'mmpretrain', 50, variant, backbone_only=True))
    with torch.no_grad():
        for r, o in zip(ref(X), ours(X)):
            _assert_same(r, o)


def test_classifier_keys_include_the_head():
    timm = pytest.importorskip('timm')
    ref = timm.create_model('resnet50d', pretrained=False, num_classes=7)
    out = convert_checkpoint(ref.state_dict(), 'timm', 50, 'D')
    assert out['head.fc.weight'].shape == (7, 2048)
    assert all(k.startswith(('backbone.', 'head.fc.')) for k in out)


@pytest.mark.parametrize('name,depth,variant,missing', [
    ('resnet50', 50, 'D', 'stem.3.weight'),  # a B checkpoint is not a D network
    ('resnet50d', 101, 'D', 'layer3.6.conv1.weight'),  # wrong depth
    ('resnet50d', 50, 'B', None),  # a deep stem where B has a 7x7 conv
])
def test_mismatched_source_is_refused_with_the_keys(name, depth, variant, missing):
    timm = pytest.importorskip('timm')
    state = timm.create_model(name, pretrained=False).state_dict()
    with pytest.raises(CheckpointMismatchError) as info:
        convert_checkpoint(state, 'timm', depth, variant)
    msg = str(info.value)
    assert f'ResNet-{depth}-{variant}' in msg
    assert ('missing in checkpoint' in msg) or ('shape mismatch' in msg) or ('unexpected' in msg)
    if missing:
        assert missing in msg


def test_shape_mismatch_is_listed():
    timm = pytest.importorskip('timm')
    state = timm.create_model('resnet50d', pretrained=False).state_dict()
    state['layer1.0.conv1.weight'] = torch.zeros(32, 64, 1, 1)
    with pytest.raises(CheckpointMismatchError, match=r'layer1\.0\.conv1\.weight: checkpoint \(32, 64, 1, 1\)'):
        convert_checkpoint(state, 'timm', 50, 'D')
