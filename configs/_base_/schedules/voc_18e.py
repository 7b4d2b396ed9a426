# Detection schedule (the paper, Section 6.1, only says "refinements from Detectron such as linear warmup
# and long training schedule"): our choice is mmdet's VOC recipe made 1.5x longer with Detectron's warmup.
# VOC07+12 repeated 3x per epoch (mmdet's base), 6 epochs = 18 passes, lr x0.1 after 15 passes;
# SGD lr 0.02 for batch 16 (8 GPUs x 2), linear warmup over the first 500 iterations.
max_epochs = 6
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=2)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True, milestones=[5], gamma=0.1),
]
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4))
auto_scale_lr = dict(enable=False, base_batch_size=16)
