# Table 4, "+ LR warmup", BS 1024 (75.93).
_base_ = './resnet50-a_8xb128-step_in1k.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=5, convert_to_iter_based=True),
    dict(type='MultiStepLR', by_epoch=True, milestones=[30, 60, 90], gamma=0.1),
]
