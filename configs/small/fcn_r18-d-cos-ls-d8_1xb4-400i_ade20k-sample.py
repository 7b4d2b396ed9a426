# Format fidelity, test only: the 150-class head evaluated by mmseg's ADE20KDataset and IoUMetric on ade20k-sample
# (the genuine ADEChallengeData2016 layout): tools/test.py this config and a checkpoint.
_base_ = [
    '../_base_/models/fcn_r18-d8.py', '../_base_/datasets/ade20k_sample.py',
    '../_base_/schedules/small_seg_400i.py', 'mmseg::_base_/default_runtime.py',
    '../_base_/classifier_checkpoints.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    backbone=dict(variant='D',
                  init_cfg=dict(type='Pretrained', checkpoint={{_base_.small_d_cos_ls}}, prefix='backbone.')),
    decode_head=dict(num_classes=150), auxiliary_head=dict(num_classes=150))
