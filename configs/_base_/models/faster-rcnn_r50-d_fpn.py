# Faster R-CNN + FPN (mmdet's base model) with the tricks_mm ResNet as backbone (paper Section 6.1).
_base_ = 'mmdet::_base_/models/faster-rcnn_r50_fpn.py'
model = dict(
    # the classifiers' normalisation (paper Section 2.1), so transferred features see familiar inputs
    data_preprocessor=dict(mean=[123.68, 116.779, 103.939], std=[58.393, 57.12, 57.375]),
    backbone=dict(
        _delete_=True,
        type='tricks_mm.TricksResNet',
        depth=50,
        variant='D',
        out_indices=(0, 1, 2, 3),
        frozen_stages=1,
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        zero_init_residual=False),
    neck=dict(in_channels=[256, 512, 1024, 2048]))
