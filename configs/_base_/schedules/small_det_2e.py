# CPU-scale detection schedule for BCCD (docs/small_scale_reproduction.md): 2 epochs of 146 iterations (292
# trainval images, batch 2), SGD lr 0.01, linear warmup over 100 iterations, lr x0.1 for the last 50 iterations
# (iteration milestone 242), validation at the end.
max_epochs = 2
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=100),
    dict(type='MultiStepLR', by_epoch=False, begin=0, milestones=[242], gamma=0.1),
]
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
auto_scale_lr = dict(enable=False, base_batch_size=2)
