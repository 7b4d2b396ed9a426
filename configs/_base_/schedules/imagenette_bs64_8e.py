# CPU-scale counterpart of the baseline schedule (imagenet_bs256_120e.py, Section 2.1) for the small-scale
# protocol (docs/small_scale_reproduction.md): 8 epochs, Nesterov SGD, lr 0.025 = 0.1 x 64 / 256 (the paper's
# linear scaling rule, Section 3.1), step decay /10 at epochs 2, 4, 6 (the paper's 30, 60, 90 of 120),
# validation every epoch. The Imagenette schedules below take their length and milestones from here.
max_epochs = 8
milestones = [2, 4, 6]
warmup_epochs = 1
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.025, momentum=0.9, weight_decay=1e-4, nesterov=True))
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=milestones, gamma=0.1)]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
