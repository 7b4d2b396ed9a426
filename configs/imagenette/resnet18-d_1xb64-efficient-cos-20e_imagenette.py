# Small-scale "+ cosine" (Section 5.1).
_base_ = './resnet18-d_1xb64-efficient-20e_imagenette.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=1, convert_to_iter_based=True),
    dict(type='tricks_mm.CosineDecayLR', by_epoch=True, begin=1, end=20, convert_to_iter_based=True),
]
