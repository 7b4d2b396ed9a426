# Batch 1024, lr 0.4, 5-epoch linear warmup from 0, then cosine decay to 0 at the last iteration, per
# iteration, T counted after the warmup (Section 5.1, Table 6 "+ cosine decay" and below).
_base_ = './imagenet_bs1024_120e.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=5, convert_to_iter_based=True),
    dict(type='tricks_mm.CosineDecayLR', by_epoch=True, begin=5, end=120, convert_to_iter_based=True),
]
