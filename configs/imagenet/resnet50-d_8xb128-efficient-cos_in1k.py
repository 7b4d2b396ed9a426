# Table 6, "+ cosine decay" (77.91): cosine from the end of warmup to 0 at the last iteration (Section 5.1).
_base_ = './resnet50-d_8xb128-efficient_in1k.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=5, convert_to_iter_based=True),
    dict(type='tricks_mm.CosineDecayLR', by_epoch=True, begin=5, end=120, convert_to_iter_based=True),
]
