# Demo "B-standard" classifier (Tables 8/9 row 1) on the synthetic shapes: ResNet-18-B, Xavier init,
# step decay, cross-entropy, no tricks. Part of `make demo` (configs/reproduce/demo_synthetic.py).
_base_ = [
    '../_base_/models/resnet50-d_cls.py', '../_base_/datasets/synthetic_cls.py',
    '../_base_/schedules/imagenet_step_120e.py', 'mmpretrain::_base_/default_runtime.py'
]
model = dict(backbone=dict(depth=18, variant='B', zero_init_residual=False, init='xavier'),
             head=dict(num_classes=4, in_channels=512, topk=(1, )))
train_dataloader = dict(batch_size=32, num_workers=1, persistent_workers=True)
val_dataloader = dict(num_workers=1, persistent_workers=True)
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=0.04))
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[10, 15], gamma=0.1)]
train_cfg = dict(max_epochs=20, val_interval=4)
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(checkpoint=dict(interval=20, max_keep_ckpts=1), logger=dict(interval=10))
