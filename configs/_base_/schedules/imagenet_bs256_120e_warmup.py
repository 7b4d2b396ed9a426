# Batch 256, lr 0.1, step decay at 30/60/90 after a linear warmup from 0 over 5 epochs, per iteration
# (Section 3.1, Table 4 "+ LR warmup").
_base_ = './imagenet_bs256_120e.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=5, convert_to_iter_based=True),
    dict(type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1),
]
