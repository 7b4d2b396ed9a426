# CPU-scale counterpart of the baseline schedule (imagenet_bs256_120e.py): 20 epochs, NAG, step decay at
# epochs 10 and 15, lr 0.2 for batch 64 (a short schedule needs a larger rate than 0.1 x 64 / 256).
# The Imagenette schedules below take their length and milestones from here.
max_epochs = 20
milestones = [10, 15]
warmup_epochs = 1
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.2, momentum=0.9, weight_decay=1e-4, nesterov=True))
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=milestones, gamma=0.1)]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
