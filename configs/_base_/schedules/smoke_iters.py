# A few iterations, validation at the end: smoke runs on the CPU. Configs add their own
# `default_hooks = dict(checkpoint=dict(by_epoch=False, interval=2), ...)` (the runtime bases own hooks).
train_cfg = dict(type='IterBasedTrainLoop', max_iters=4, val_interval=4)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
param_scheduler = [dict(type='ConstantLR', factor=1.0, by_epoch=False)]
