# Demo Table 9 row: FCN on a dilated (D8) ResNet-18-D (its B twin: fcn_r18-b-d8_1xb8-160i_synthetic-ade-64x64.py),
# synthetic ADE20K layout, mIoU and pixel accuracy. The backbone comes from a demo classifier.
_base_ = [
    '../_base_/models/fcn_r50-d8.py', '../_base_/datasets/synthetic_ade.py',
    'mmseg::_base_/default_runtime.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
crop_size = {{_base_.crop_size}}
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(depth=18, norm_cfg=norm_cfg),
    decode_head=dict(in_channels=512, channels=64, num_classes=3, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=256, channels=32, num_classes=3, norm_cfg=norm_cfg))
train_dataloader = dict(batch_size=8)
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
max_iters = 160
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=20),
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=20, end=max_iters, by_epoch=False),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=40)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=25, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
log_processor = dict(by_epoch=False)
