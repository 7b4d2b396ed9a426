# The paper's baseline schedule (Section 2.1): 120 epochs, NAG (Nesterov SGD, momentum 0.9, wd 1e-4; the
# paper states neither, these are GluonCV's defaults), lr 0.1 for batch 256 divided by 10 at epochs 30, 60, 90.
# The other ImageNet schedules inherit this one and change only what their name says.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True))
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1)]
train_cfg = dict(by_epoch=True, max_epochs=120, val_interval=1)
val_cfg = dict()
test_cfg = dict()
# linear scaling rule (Section 3.1): `tools/train.py --auto-scale-lr` sets lr = lr x real batch / base batch
auto_scale_lr = dict(base_batch_size=256)
