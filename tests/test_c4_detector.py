"""The C4 Faster R-CNN (the paper's GluonCV form, Section 6.1): the classifier's ResNet split into a
stride-16 backbone (stem + layer1-3) and an RoI shared head (layer4), both loaded strictly from ONE
classifier checkpoint, each backbone tensor used exactly once, outputs equal to the classifier's."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import tricks_mm  # noqa: F401
from conftest import REPO
from tricks_mm.checkpoint import CheckpointMismatchError, load_pretrained_strict
from tricks_mm.models.backbones.resnet import TricksResNet
from tricks_mm.models.roi_heads import TricksResLayer

C4 = osp.join(REPO, 'configs/_base_/models/faster-rcnn_r50-d_c4.py')


def _randomise(model):
    """Every parameter and BN statistic random, so a tensor loaded into the wrong slot shows."""
    g = torch.Generator().manual_seed(0)
    for name, t in model.state_dict().items():
        if t.is_floating_point():
            r = torch.rand(t.shape, generator=g) + 0.5 if name.endswith('running_var') else \
                torch.randn(t.shape, generator=g) * 0.1
            t.copy_(r)


def _classifier_ckpt(path, depth=50, variant='D'):
    """A classifier checkpoint (``backbone.*`` + ``head.fc.*``) of a randomly initialised ResNet."""
    backbone = TricksResNet(depth=depth, variant=variant, out_indices=(0, 1, 2, 3))
    _randomise(backbone)
    state = {'backbone.' + k: v for k, v in backbone.state_dict().items()}
    state.update({'head.fc.weight': torch.zeros(10, backbone.feat_dim), 'head.fc.bias': torch.zeros(10)})
    torch.save({'state_dict': state, 'meta': {}}, path)
    return backbone.eval()


def _c4_parts(path, depth=50, variant='D', **head):
    backbone = TricksResNet(depth=depth, variant=variant, num_stages=3, strides=(1, 2, 2), dilations=(1, 1, 1),
                            out_indices=(2, ), init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.',
                                                             ignore_prefixes=('layer4.', )))
    shared = TricksResLayer(depth=depth, variant=variant, stage=3, stride=2, **head,
                            init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.layer4.'))
    return backbone, shared


def _detector(path=None, depth=50, variant='D', num_classes=20, rois=None):
    cfg = Config.fromfile(C4)
    cfg.model.roi_head.bbox_head.num_classes = num_classes
    if rois:  # fewer sampled RoIs per image: layer4 runs once per RoI, the cost of a C4 step on a CPU
        cfg.model.train_cfg.rcnn.sampler.num = rois
    init_default_scope('mmdet')
    from mmdet.registry import MODELS
    for part in (cfg.model.backbone, cfg.model.roi_head.shared_head):
        part.update(depth=depth, variant=variant)
        part.init_cfg = dict(part.init_cfg, checkpoint=path) if path else None
    if depth < 50:
        cfg.model.rpn_head.update(in_channels=256, feat_channels=64)
        cfg.model.roi_head.bbox_roi_extractor.out_channels = 256
        cfg.model.roi_head.bbox_head.in_channels = 512
    return cfg, MODELS.build(cfg.model)


@pytest.mark.parametrize('depth,variant', [(50, 'D'), (50, 'B'), (18, 'D')])
def test_every_backbone_tensor_is_used_by_exactly_one_part(tmp_path, depth, variant):
    """The C4 base config's two Pretrained slots, set to one checkpoint, split the classifier's
    backbone between the detector's backbone and shared head: disjoint, complete, tensor-equal."""
    path = str(tmp_path / 'cls.pth')
    src = _classifier_ckpt(path, depth, variant).state_dict()
    _, det = _detector(path, depth, variant)
    det.init_weights()
    got_backbone, got_head = det.backbone.state_dict(), det.roi_head.shared_head.state_dict()
    assert not set(got_backbone) & set(got_head)
    assert set(got_backbone) | set(got_head) == set(src)  # same names as the classifier's backbone.*
    assert all(k.startswith('layer4.') for k in got_head) and not any(k.startswith('layer4.') for k in got_backbone)
    for k, v in src.items():
        got = got_backbone[k] if k in got_backbone else got_head[k]
        assert torch.equal(got, v), f'{k} not loaded'


def test_key_report_of_each_part(tmp_path):
    path = str(tmp_path / 'cls.pth')
    src = _classifier_ckpt(path, depth=18)
    backbone, shared = _c4_parts(path, depth=18)
    report = load_pretrained_strict(backbone, backbone.init_cfg)
    assert report.ok and report == ([], [], [])
    report = load_pretrained_strict(shared.layer4, dict(shared.init_cfg))
    assert report.ok
    n_layer4 = sum(k.startswith('layer4.') for k in src.state_dict())
    assert len(shared.state_dict()) == n_layer4 and len(backbone.state_dict()) == len(src.state_dict()) - n_layer4


@pytest.mark.parametrize('variant', ['B', 'D'])
def test_c4_parts_reproduce_the_classifier_stages(tmp_path, variant):
    """Backbone stage-3 output = classifier's stage 3; shared head on a feature map = classifier's layer4
    (stride 2, B's strided 3x3, D's pooled shortcut), also on a 14x14 RoI feature -> 7x7."""
    path = str(tmp_path / 'cls.pth')
    cls = _classifier_ckpt(path, 50, variant)
    backbone, shared = _c4_parts(path, 50, variant)
    backbone.init_weights()
    shared.init_weights()
    backbone.eval()
    shared.eval()
    torch.manual_seed(1)
    x = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        c3, c4 = cls(x)[2:]
        (b3, ) = backbone(x)
        assert b3.shape[-1] == 96 // 16 and torch.equal(b3, c3)
        assert torch.equal(shared(b3), c4)
        roi = torch.randn(3, 1024, 14, 14)
        out = shared(roi)
        assert out.shape == (3, 2048, 7, 7) and torch.equal(out, cls.layer4(roi))


def test_shared_head_keeps_bn_frozen_in_training_mode(tmp_path):
    path = str(tmp_path / 'cls.pth')
    _classifier_ckpt(path, 18)
    _, shared = _c4_parts(path, 18, norm_cfg=dict(type='BN', requires_grad=False))
    shared.init_weights()
    shared.train()
    assert all(not m.training for m in shared.modules() if isinstance(m, torch.nn.BatchNorm2d))
    assert all(not p.requires_grad for n, p in shared.named_parameters() if '.bn' in n or 'downsample.2' in n)
    assert shared.layer4[0].conv1.weight.requires_grad
    frozen = TricksResLayer(depth=18, frozen=True).train()
    assert not any(p.requires_grad for p in frozen.parameters()) and not frozen.layer4.training


def test_mismatched_depth_names_the_keys(tmp_path):
    """A ResNet-18 classifier into the ResNet-50 C4 parts: both loads stop and list the keys."""
    path = str(tmp_path / 'cls18.pth')
    _classifier_ckpt(path, depth=18)
    backbone, shared = _c4_parts(path, depth=50)
    with pytest.raises(CheckpointMismatchError) as info:
        backbone.init_weights()
    msg = str(info.value)
    assert path in msg and 'layer1.0.conv3.weight' in msg and 'shape mismatch' in msg
    with pytest.raises(CheckpointMismatchError) as info:
        shared.init_weights()
    msg = str(info.value)
    assert path in msg and 'TricksResLayer layer4' in msg
    assert '0.conv3.weight' in msg and 'missing in checkpoint' in msg and 'shape mismatch' in msg


def test_variant_mismatch_in_shared_head_is_an_error(tmp_path):
    """A ResNet-50-B classifier into a D shared head: the D shortcut's conv sits after the avg-pool."""
    path = str(tmp_path / 'cls_b.pth')
    _classifier_ckpt(path, 50, 'B')
    _, shared = _c4_parts(path, 50, 'D')
    with pytest.raises(CheckpointMismatchError, match=r'0\.downsample\.1\.weight'):
        shared.init_weights()


def test_backbone_without_ignore_prefixes_names_layer4(tmp_path):
    path = str(tmp_path / 'cls.pth')
    _classifier_ckpt(path, 18)
    backbone = TricksResNet(depth=18, num_stages=3, out_indices=(2, ),
                            init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.'))
    with pytest.raises(CheckpointMismatchError) as info:
        backbone.init_weights()
    msg = str(info.value)
    assert 'unexpected in checkpoint' in msg and 'layer4.0.conv1.weight' in msg and 'ignore_prefixes' in msg


def test_stale_ignore_prefix_and_wrong_head_prefix_are_errors(tmp_path):
    """An ignore prefix that matches nothing hides nothing (error); the shared head refuses a prefix
    that is not its stage's."""
    three = TricksResNet(depth=18, num_stages=3, out_indices=(2, ))
    path = str(tmp_path / 'c4_backbone.pth')
    torch.save({'backbone.' + k: v for k, v in three.state_dict().items()}, path)
    backbone = TricksResNet(depth=18, num_stages=3, out_indices=(2, ),
                            init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.',
                                          ignore_prefixes=('layer4.', )))
    with pytest.raises(CheckpointMismatchError, match=r"\['layer4.'\].*match no key"):
        backbone.init_weights()
    head = TricksResLayer(depth=18, init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.'))
    with pytest.raises(ValueError, match=r"prefix='backbone.layer4.'"):
        head.init_weights()


def test_base_slots_without_checkpoint_say_what_to_set():
    cfg = Config.fromfile(C4)
    init_default_scope('mmdet')
    from mmdet.registry import MODELS
    det = MODELS.build(cfg.model)
    with pytest.raises(KeyError, match='checkpoint'):
        det.init_weights()


def test_backbone_num_stages_validation():
    with pytest.raises(ValueError, match='out_indices'):
        TricksResNet(depth=18, num_stages=3, out_indices=(3, ))
    with pytest.raises(ValueError, match='strides'):
        TricksResNet(depth=18, num_stages=3, strides=(1, 2), dilations=(1, 1))
    net = TricksResNet(depth=18, num_stages=3, out_indices=(2, ))
    assert not hasattr(net, 'layer4') and net.feat_dim == 256


def test_c4_faster_rcnn_trains_two_iterations(tmp_path, monkeypatch):
    """Two SGD steps of the C4 Faster R-CNN (ResNet-18-D, initialised from a classifier checkpoint) on
    a synthetic VOC batch at 128 px: finite losses, layer4 convs learn, frozen stem and BN do not."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.runner import Runner
    from tricks_mm.datasets.synthetic import make_voc_devkit
    make_voc_devkit(str(tmp_path), splits={('2007', 'trainval'): 2, ('2012', 'trainval'): 2}, size=128)
    path = str(tmp_path / 'cls.pth')
    _classifier_ckpt(path, depth=18)
    monkeypatch.setenv('DATA_ROOT', str(tmp_path))
    data = Config.fromfile(osp.join(REPO, 'configs/_base_/datasets/synthetic_voc.py'))
    torch.manual_seed(0)
    _, det = _detector(path, depth=18, num_classes=3, rois=16)
    det.init_weights()
    det.train()
    loader = Runner.build_dataloader(data.train_dataloader, seed=0)
    optim = build_optim_wrapper(det, dict(type='OptimWrapper',
                                          optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4)))
    before = {k: v.clone() for k, v in det.state_dict().items()}
    batches = iter(loader)
    for _ in range(2):
        losses = det.train_step(next(batches), optim)
        assert losses and all(torch.isfinite(v).all() for v in losses.values()), losses
        assert {'loss_rpn_cls', 'loss_cls', 'loss_bbox'} <= set(losses)
    after = det.state_dict()
    assert not torch.equal(after['roi_head.shared_head.layer4.0.conv1.weight'],
                           before['roi_head.shared_head.layer4.0.conv1.weight'])
    assert not torch.equal(after['backbone.layer3.0.conv1.weight'], before['backbone.layer3.0.conv1.weight'])
    for k in ('backbone.stem.0.weight', 'backbone.layer1.0.conv1.weight',
              'roi_head.shared_head.layer4.0.bn1.running_mean', 'roi_head.shared_head.layer4.0.bn1.weight',
              'backbone.layer3.0.bn1.running_var'):
        assert torch.equal(after[k], before[k]), f'{k} changed but is frozen'
