# Table 4, "+ LR warmup", BS 256 (76.03): linear warmup from 0 over 5 epochs, per iteration (Section 3.1).
_base_ = './resnet50-a_8xb32-step_in1k.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=5, convert_to_iter_based=True),
    dict(type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1),
]
