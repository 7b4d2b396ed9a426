# Smoke: FCN on a dilated ResNet-18-D (D8), synthetic ADE20K tree, a few iterations on the CPU.
_base_ = [
    '../_base_/models/fcn_r50-d8.py', '../_base_/datasets/synthetic_ade.py',
    'mmseg::_base_/default_runtime.py', '../_base_/schedules/smoke_iters.py'
]
norm_cfg = dict(type='BN', requires_grad=True)
crop_size = {{_base_.crop_size}}
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(depth=18, norm_cfg=norm_cfg),
    decode_head=dict(in_channels=512, channels=64, num_classes=3, norm_cfg=norm_cfg),
    auxiliary_head=dict(in_channels=256, channels=32, num_classes=3, norm_cfg=norm_cfg))
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=1, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
randomness = dict(seed=0)
