# As imagenet_bs1024_120e_coslr_warmup.py over 200 epochs: mixup trains longer (Section 5.4).
_base_ = './imagenet_bs1024_120e.py'
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=5, convert_to_iter_based=True),
    dict(type='tricks_mm.CosineDecayLR', by_epoch=True, begin=5, end=200, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=200)
