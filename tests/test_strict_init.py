"""A classifier checkpoint initialises a detector/segmentor backbone strictly (paper Section 6)."""
import pytest
import torch

from tricks_mm.checkpoint import CheckpointMismatchError
from tricks_mm.models.backbones.resnet import TricksResNet


def _classifier_ckpt(path, depth=18, variant='D'):
    backbone = TricksResNet(depth=depth, variant=variant)
    for p in backbone.parameters():
        p.data.normal_()
    state = {'backbone.' + k: v for k, v in backbone.state_dict().items()}
    state['head.fc.weight'] = torch.zeros(4, backbone.feat_dim)
    torch.save({'state_dict': state, 'meta': {}}, path)
    return backbone


def test_every_backbone_weight_is_loaded_into_a_dilated_backbone(tmp_path):
    path = str(tmp_path / 'cls.pth')
    src = _classifier_ckpt(path)
    seg = TricksResNet(depth=18, variant='D', strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                       contract_dilation=True, out_indices=(0, 1, 2, 3),
                       init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.'))
    seg.init_weights()
    for k, v in src.state_dict().items():
        assert torch.equal(seg.state_dict()[k], v), k


@pytest.mark.parametrize('depth,variant,expect', [(50, 'D', 'shape mismatch'), (18, 'B', 'missing in checkpoint')])
def test_mismatch_lists_keys_and_names_checkpoint(tmp_path, depth, variant, expect):
    path = str(tmp_path / 'cls.pth')
    _classifier_ckpt(path, depth=18, variant='D')
    model = TricksResNet(depth=depth, variant=variant,
                         init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.'))
    with pytest.raises(CheckpointMismatchError) as info:
        model.init_weights()
    msg = str(info.value)
    assert expect in msg and path in msg and 'strict=False' in msg


def test_partial_load_when_asked(tmp_path):
    path = str(tmp_path / 'cls.pth')
    src = _classifier_ckpt(path, depth=18, variant='D')
    model = TricksResNet(depth=18, variant='B',  # 7x7 stem: the stem does not fit, the stages do
                         init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.', strict=False))
    model.init_weights()
    assert torch.equal(model.layer2[0].conv1.weight, src.layer2[0].conv1.weight)


def test_wrong_prefix_says_which_prefixes_exist(tmp_path):
    path = str(tmp_path / 'cls.pth')
    _classifier_ckpt(path)
    model = TricksResNet(depth=18, init_cfg=dict(type='Pretrained', checkpoint=path, prefix='encoder.'))
    with pytest.raises(CheckpointMismatchError, match=r"prefixes are \['backbone.', 'head.'\]"):
        model.init_weights()
