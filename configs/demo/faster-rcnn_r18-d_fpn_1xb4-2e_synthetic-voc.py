# Demo Table 8 row: Faster R-CNN + FPN on a ResNet-18-D (its B twin: faster-rcnn_r18-b_fpn_1xb4-2e_synthetic-voc.py),
# synthetic VOC07+12 trainval -> VOC07 test, 11-point mAP. The backbone comes from a demo classifier.
_base_ = [
    '../_base_/models/faster-rcnn_r50-d_fpn.py', '../_base_/datasets/synthetic_voc.py',
    'mmdet::_base_/default_runtime.py'
]
model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(bbox_roi_extractor=dict(out_channels=64),
                  bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=3)))
train_dataloader = dict(batch_size=4)
max_epochs = 2  # 2 x 60 iterations: minutes on a CPU
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=30),
    dict(type='CosineAnnealingLR', by_epoch=False, begin=30, end=120, T_max=90, eta_min=2e-4),
]
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
auto_scale_lr = dict(enable=False, base_batch_size=4)
