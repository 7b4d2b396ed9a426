# CPU-scale counterpart of the baseline schedule: 20 epochs, Nesterov SGD, step decay at 10 and 15,
# lr 0.2 for batch 64 (a short schedule needs a larger rate than 0.1 x 64 / 256).
_base_ = './imagenet_step_120e.py'
optim_wrapper = dict(optimizer=dict(lr=0.2))
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[10, 15], gamma=0.1)]
train_cfg = dict(max_epochs=20, val_interval=5)
auto_scale_lr = dict(base_batch_size=64)
