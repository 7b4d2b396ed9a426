# Table 9, row "B-standard": FCN on the dilated (D8) ResNet-50-B classifier of that row, loaded strictly. Declared
# settings and paper numbers: configs/ade20k/metafile.yml.
_base_ = [
    '../_base_/models/fcn_r50-d8.py', '../_base_/datasets/ade20k.py', '../_base_/schedules/fcn_80k.py',
    'mmseg::_base_/default_runtime.py', '../_base_/classifier_checkpoints.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    backbone=dict(variant='B',
                  init_cfg=dict(type='Pretrained', checkpoint={{_base_.cls_b_standard}}, prefix='backbone.')),
    decode_head=dict(num_classes=150), auxiliary_head=dict(num_classes=150))
