# imagenette_bs64_8e.py with the warmup, then cosine decay to 0 at the last iteration (Section 5.1).
_base_ = './imagenette_bs64_8e.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end={{_base_.warmup_epochs}},
         convert_to_iter_based=True),
    dict(type='tricks_mm.CosineDecayLR', by_epoch=True, begin={{_base_.warmup_epochs}},
         end={{_base_.max_epochs}}, convert_to_iter_based=True),
]
