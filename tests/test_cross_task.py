"""One backbone, three tasks: the same type string builds in mmpretrain, mmdet and mmseg configs, and a
classifier's checkpoint initialises Faster R-CNN and FCN-D8 backbones with zero missing keys."""
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import tricks_mm  # noqa: F401
from conftest import REPO

CLS = osp.join(REPO, 'configs/smoke/resnet18-d_synthetic-cls_smoke.py')
DET = osp.join(REPO, 'configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py')
SEG = osp.join(REPO, 'configs/smoke/fcn_r18-d8_synthetic-ade_smoke.py')


def _build(config, **backbone):
    cfg = Config.fromfile(config)
    cfg.model.backbone.update(backbone)
    init_default_scope(cfg.default_scope)
    if cfg.default_scope == 'mmpretrain':
        from mmpretrain.registry import MODELS
    elif cfg.default_scope == 'mmdet':
        from mmdet.registry import MODELS
    else:
        from mmseg.registry import MODELS
    return MODELS.build(cfg.model)


def test_classifier_checkpoint_initialises_detector_and_segmentor(tmp_path):
    torch.manual_seed(0)
    classifier = _build(CLS)
    assert type(classifier.backbone).__name__ == 'TricksResNet'
    # a few real training steps, so the weights differ from any fresh init
    opt = torch.optim.SGD(classifier.parameters(), lr=0.1)
    from mmpretrain.structures import DataSample
    for _ in range(3):
        x = torch.randn(4, 3, 56, 56)
        samples = [DataSample().set_gt_label(i % 4) for i in range(4)]
        loss = classifier(x, samples, mode='loss')['loss']
        opt.zero_grad()
        loss.backward()
        opt.step()
    path = str(tmp_path / 'cls.pth')
    torch.save({'state_dict': classifier.state_dict(), 'meta': {}}, path)
    expected = classifier.backbone.state_dict()

    init = dict(type='Pretrained', checkpoint=path, prefix='backbone.')
    for config in (DET, SEG):
        model = _build(config, init_cfg=init)
        model.init_weights()
        got = model.backbone.state_dict()
        assert set(got) == set(expected)  # zero missing, zero unexpected backbone keys
        for k, v in expected.items():
            assert torch.equal(got[k], v), f'{config}: {k} not loaded'
    seg = _build(SEG)
    assert seg.backbone.layer4[1].conv2.dilation == (4, 4)  # the D8 setting


def test_scoped_type_string_resolves_from_every_scope():
    from mmengine.registry import MODELS as ROOT
    for scope in ('mmpretrain', 'mmdet', 'mmseg'):
        init_default_scope(scope)
        registry = ROOT._children[scope] if scope in ROOT._children else ROOT
        assert registry.get('tricks_mm.TricksResNet').__name__ == 'TricksResNet'
