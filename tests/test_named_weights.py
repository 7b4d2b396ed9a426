"""Named published weights (``timm/<model>.<tag>``, ``torchvision://<model>``) from the local caches: a
Table 8 row config starts from them strictly and the backbone computes what the reference network does.

The cache entries are made here from randomly initialised timm/torchvision models (with random BN
statistics and affine terms, so a mis-mapped tensor cannot hide), laid out as huggingface_hub and
torch.hub store their downloads."""
import glob
import os
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.registry import DefaultScope

from conftest import REPO, assert_ok, run_tool
from tricks_mm.checkpoint import CheckpointMismatchError, safe_torch_load
from tricks_mm.checkpoint.named_weights import NamedWeightsError, resolve_named_weights
from tricks_mm.models.backbones.resnet import TricksResNet

# Table 8 row "+label smoothing" (d-cos-ls), Faster R-CNN + FPN
TABLE8_ROW = (glob.glob(osp.join(REPO, 'configs/voc/faster-rcnn_r50-d-cos-ls_fpn_*voc0712.py')) or [''])[0]
X = torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))


def _randomise(model):
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):  # timm zero-inits the last BN of each block: undo it
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=g) * 0.1)
    return model.eval()


def _stages(net, x):
    """Stage outputs of a timm/torchvision ResNet (conv1/bn1/act, maxpool, layer1-4)."""
    act = getattr(net, 'act1', None) or net.relu
    x = net.maxpool(act(net.bn1(net.conv1(x))))
    outs = []
    for name in ('layer1', 'layer2', 'layer3', 'layer4'):
        x = getattr(net, name)(x)
        outs.append(x)
    return outs


@pytest.fixture(scope='module')
def caches(tmp_path_factory):
    """An HF hub cache with timm/resnet50d.gluon_in1k and a torch.hub cache with torchvision's resnet50
    (IMAGENET1K_V1 file name), both of random weights."""
    timm = pytest.importorskip('timm')
    import torchvision
    root = tmp_path_factory.mktemp('caches')
    torch.manual_seed(0)
    timm_net = _randomise(timm.create_model('resnet50d', pretrained=False))
    snap = root / 'hf' / 'models--timm--resnet50d.gluon_in1k' / 'snapshots' / '0123abcd'
    snap.mkdir(parents=True)
    (root / 'hf' / 'models--timm--resnet50d.gluon_in1k' / 'refs').mkdir()
    (root / 'hf' / 'models--timm--resnet50d.gluon_in1k' / 'refs' / 'main').write_text('0123abcd')
    try:
        from safetensors.torch import save_file
        save_file({k: v.contiguous() for k, v in timm_net.state_dict().items()}, str(snap / 'model.safetensors'))
    except ImportError:
        torch.save(timm_net.state_dict(), str(snap / 'pytorch_model.bin'))
    tv_net = _randomise(torchvision.models.resnet50())
    url = torchvision.models.ResNet50_Weights.IMAGENET1K_V1.url
    ckpt_dir = root / 'torch' / 'hub' / 'checkpoints'
    ckpt_dir.mkdir(parents=True)
    torch.save(tv_net.state_dict(), str(ckpt_dir / osp.basename(url)))
    return dict(hf=str(root / 'hf'), torch_home=str(root / 'torch'), timm=timm_net, torchvision=tv_net)


@pytest.fixture
def cache_env(caches, monkeypatch):
    monkeypatch.setenv('HF_HUB_CACHE', caches['hf'])
    monkeypatch.setenv('TORCH_HOME', caches['torch_home'])
    return caches


def _assert_same_features(backbone, reference):
    backbone.eval()
    with torch.no_grad():
        ours, ref = backbone(X), _stages(reference, X)
    for i in backbone.out_indices:
        assert ours[list(backbone.out_indices).index(i)].abs().mean() > 1e-3
        assert (ours[list(backbone.out_indices).index(i)] - ref[i]).abs().max().item() < 1e-4, f'stage {i}'


def test_table8_row_starts_from_timm_gluon_weights(cache_env):
    """`init_cfg.checkpoint='timm/resnet50d.gluon_in1k'` in the Table 8 "d-cos-ls" config: loaded strictly
    into the Faster R-CNN's ResNet-50-D, whose stage outputs equal timm's."""
    from mmdet.registry import MODELS

    import tricks_mm  # noqa: F401
    from tricks_mm.utils.setup_env import register_all_modules
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(TABLE8_ROW)
    cfg.model.backbone.init_cfg.checkpoint = 'timm/resnet50d.gluon_in1k'
    assert cfg.model.backbone.init_cfg.prefix == 'backbone.'
    with DefaultScope.overwrite_default_scope('mmdet'):
        detector = MODELS.build(cfg.model)
    detector.init_weights()
    _assert_same_features(detector.backbone, cache_env['timm'])


def test_torchvision_idiom_without_prefix(cache_env):
    """mmdet's `checkpoint='torchvision://resnet50'` (no prefix) into a ResNet-50-B."""
    backbone = TricksResNet(depth=50, variant='B', out_indices=(0, 1, 2, 3),
                            init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50'))
    backbone.init_weights()
    _assert_same_features(backbone, cache_env['torchvision'])


def test_resolution_follows_the_libraries_cache_layout(cache_env):
    found = resolve_named_weights('timm/resnet50d.gluon_in1k')
    assert (found.source, found.depth, found.variant) == ('timm', 50, 'D')
    assert found.path.startswith(osp.join(cache_env['hf'], 'models--timm--resnet50d.gluon_in1k', 'snapshots',
                                          '0123abcd'))
    found = resolve_named_weights('torchvision://resnet50')
    assert found.path == osp.join(cache_env['torch_home'], 'hub', 'checkpoints', 'resnet50-0676ba61.pth')
    with pytest.raises(NamedWeightsError, match='no weights'):
        resolve_named_weights('torchvision://resnet50.imagenet1k_v9')


def test_absent_weights_say_which_file_to_put_where(cache_env, tmp_path, monkeypatch):
    monkeypatch.setenv('HF_HUB_CACHE', str(tmp_path / 'empty'))
    with pytest.raises(NamedWeightsError) as err:
        TricksResNet(depth=101, variant='D', init_cfg=dict(
            type='Pretrained', checkpoint='timm/resnet101d.gluon_in1k', prefix='backbone.')).init_weights()
    msg = str(err.value)
    assert str(tmp_path / 'empty' / 'models--timm--resnet101d.gluon_in1k' / 'snapshots') in msg
    assert 'https://huggingface.co/timm/resnet101d.gluon_in1k' in msg and 'pretrained=True' in msg
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'th'))
    with pytest.raises(NamedWeightsError) as err:
        TricksResNet(depth=18, variant='B', init_cfg=dict(
            type='Pretrained', checkpoint='torchvision://resnet18')).init_weights()
    assert str(tmp_path / 'th' / 'hub' / 'checkpoints' / 'resnet18-f37072fd.pth') in str(err.value)
    assert 'https://download.pytorch.org/models/resnet18-f37072fd.pth' in str(err.value)


def test_wrong_backbone_for_the_named_weights_is_refused(cache_env):
    with pytest.raises(NamedWeightsError, match=r"ResNet-50-D .* set depth=50, variant='D'"):
        TricksResNet(depth=50, variant='B', init_cfg=dict(
            type='Pretrained', checkpoint='timm/resnet50d.gluon_in1k', prefix='backbone.')).init_weights()
    with pytest.raises(CheckpointMismatchError, match='no key starts with prefix'):
        TricksResNet(depth=50, variant='D', init_cfg=dict(
            type='Pretrained', checkpoint='timm/resnet50d.gluon_in1k', prefix='model.')).init_weights()


def test_converter_tool_reads_named_weights(cache_env, tmp_path):
    dst = str(tmp_path / 'r50d.pth')
    env = {'HF_HUB_CACHE': cache_env['hf'], 'TORCH_HOME': cache_env['torch_home']}
    proc = run_tool(['tools/model_converters/convert_resnet.py', 'timm/resnet50d.gluon_in1k', dst,
                     '--backbone-only'], env)
    assert_ok(proc)
    assert 'timm -> ResNet-50-D' in proc.stdout
    backbone = TricksResNet(depth=50, variant='D', out_indices=(0, 1, 2, 3))
    backbone.load_state_dict(safe_torch_load(dst)['state_dict'])
    _assert_same_features(backbone, cache_env['timm'])
    proc = run_tool(['tools/model_converters/convert_resnet.py', 'torchvision://resnet50', dst, '--variant', 'D'],
                    env)
    assert proc.returncode == 2 and "remove or fix {'variant': 'D'}" in proc.stderr
    proc = run_tool(['tools/model_converters/convert_resnet.py', 'torchvision://resnet152', dst],
                    dict(env, TORCH_HOME=str(tmp_path / 'nothing')))
    assert proc.returncode == 2 and 'resnet152-394f9c45.pth' in proc.stderr
    assert not os.path.exists(tmp_path / 'nothing')  # nothing was downloaded


def test_c4_row_takes_named_weights_in_both_slots(cache_env):
    """The C4 form (paper's GluonCV detector): stages 1-3 in the backbone, stage 4 in the RoI shared head,
    both from `timm/resnet50d.gluon_in1k`; each computes what timm's stages do."""
    from mmdet.registry import MODELS

    from tricks_mm.utils.setup_env import register_all_modules
    register_all_modules(init_default_scope=False)
    row = (glob.glob(osp.join(REPO, 'configs/voc/faster-rcnn_r50-d-cos-ls_c4_*voc0712.py')) or [None])[0]
    if row is None:
        pytest.skip('no C4 row config in configs/voc')
    cfg = Config.fromfile(row)
    cfg.model.backbone.init_cfg.checkpoint = 'timm/resnet50d.gluon_in1k'
    cfg.model.roi_head.shared_head.init_cfg.checkpoint = 'timm/resnet50d.gluon_in1k'
    with DefaultScope.overwrite_default_scope('mmdet'):
        detector = MODELS.build(cfg.model)
    detector.init_weights()
    detector.eval()
    ref = _stages(cache_env['timm'], X)
    with torch.no_grad():
        c4 = detector.backbone(X)[-1]
        head = detector.roi_head.shared_head
        c5 = getattr(head, head.layer_name)(c4)
    assert (c4 - ref[2]).abs().max().item() < 1e-4 and c4.abs().mean() > 1e-3
    assert (c5 - ref[3]).abs().max().item() < 1e-4
