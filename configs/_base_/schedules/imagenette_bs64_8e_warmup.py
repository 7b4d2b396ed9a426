# imagenette_bs64_8e.py with a linear warmup from 0 (Section 3.1) over its first epoch, per iteration.
_base_ = './imagenette_bs64_8e.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end={{_base_.warmup_epochs}},
         convert_to_iter_based=True),
    dict(type='MultiStepLR', by_epoch=True, milestones={{_base_.milestones}}, gamma=0.1),
]
