"""tools/model_converters: timm/torchvision -> tricks_mm checkpoints, refusal of sources that do not fit,
backbone extraction."""
import os.path as osp

import pytest
import torch

from conftest import REPO, assert_ok, run_tool
from tricks_mm.checkpoint import safe_torch_load
from tricks_mm.models.backbones.resnet import TricksResNet

CONVERT = osp.join(REPO, 'tools/model_converters/convert_resnet.py')
EXTRACT = osp.join(REPO, 'tools/model_converters/extract_backbone.py')


@pytest.fixture(scope='module')
def timm_resnet18d(tmp_path_factory):
    timm = pytest.importorskip('timm')
    torch.manual_seed(0)
    model = timm.create_model('resnet18d', pretrained=False, num_classes=10).eval()
    path = str(tmp_path_factory.mktemp('src') / 'resnet18d.pth')
    torch.save(model.state_dict(), path)
    return model, path


def test_convert_then_outputs_match(timm_resnet18d, tmp_path):
    model, src = timm_resnet18d
    dst = str(tmp_path / 'r18d.pth')
    assert_ok(run_tool([CONVERT, src, dst, '--source', 'timm', '--depth', '18', '--variant', 'D']))
    state = safe_torch_load(dst)['state_dict']
    ours = TricksResNet(depth=18, variant='D').eval()
    ours.load_state_dict({k[9:]: v for k, v in state.items() if k.startswith('backbone.')})
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        logits = torch.nn.functional.linear(ours(x)[-1].mean((2, 3)), state['head.fc.weight'],
                                            state['head.fc.bias'])
        assert (logits - model(x)).abs().max() < 1e-4


def test_convert_refuses_wrong_variant_with_key_list(timm_resnet18d, tmp_path):
    _, src = timm_resnet18d
    proc = run_tool([CONVERT, src, str(tmp_path / 'x.pth'), '--source', 'timm', '--depth', '18',
                     '--variant', 'B'])
    assert proc.returncode == 2
    assert 'does not fit a tricks_mm ResNet-18-B' in proc.stderr
    assert 'unexpected in checkpoint' in proc.stderr and 'stem.3.weight' in proc.stderr
    assert not osp.exists(tmp_path / 'x.pth')


def test_extract_backbone(timm_resnet18d, tmp_path):
    _, src = timm_resnet18d
    cls = str(tmp_path / 'cls.pth')
    assert_ok(run_tool([CONVERT, src, cls, '--source', 'timm', '--depth', '18', '--variant', 'D']))
    out = str(tmp_path / 'backbone.pth')
    assert_ok(run_tool([EXTRACT, cls, out]))
    state = safe_torch_load(out)['state_dict']
    assert set(state) == set(TricksResNet(depth=18, variant='D').state_dict())
