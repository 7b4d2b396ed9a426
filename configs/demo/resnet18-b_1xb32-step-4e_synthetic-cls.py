# Demo "B-standard" classifier (Tables 8/9 row 1) on the synthetic shapes: ResNet-18-B, Xavier init (convs
# and FC, as every classifier row), step decay, cross-entropy, no tricks. Part of `make demo`
# (configs/reproduce/demo_synthetic.py).
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/synthetic_cls.py',
    '../_base_/schedules/imagenet_bs256_120e.py', 'mmpretrain::_base_/default_runtime.py'
]
model = dict(backbone=dict(depth=18, variant='B'),
             head=dict(num_classes=4, in_channels=512, topk=(1, )))
# 32 px crops: the shapes stay recognisable and a CPU step costs a third of 56 px
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=32, crop_ratio_range=(0.6, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=36, edge='short'),
    dict(type='CenterCrop', crop_size=32),
    dict(type='PackInputs'),
]
train_dataloader = dict(batch_size=32, num_workers=1, persistent_workers=True,
                        dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(num_workers=1, persistent_workers=True, dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=0.1 * 32 / 256))  # the linear scaling rule (Section 3.1)
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[2, 3], gamma=0.1)]
train_cfg = dict(max_epochs=4, val_interval=1)
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(checkpoint=dict(interval=4, max_keep_ckpts=1), logger=dict(interval=25))
