# The mixup schedule (Section 5.4: the paper lengthens 120 -> 200 epochs for mixup): 8 x 200 / 120 = 13.3,
# so 13 epochs; the warmup, then cosine decay to 0 at the last iteration (Section 5.1). Otherwise as
# imagenette_bs64_8e.py.
_base_ = './imagenette_bs64_8e.py'
max_epochs = 13
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end={{_base_.warmup_epochs}},
         convert_to_iter_based=True),
    dict(type='tricks_mm.CosineDecayLR', by_epoch=True, begin={{_base_.warmup_epochs}}, end=max_epochs,
         convert_to_iter_based=True),
]
