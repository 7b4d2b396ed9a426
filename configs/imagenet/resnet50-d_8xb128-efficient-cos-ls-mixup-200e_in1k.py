# Table 6, "+ mixup w/o distill" (79.15): mixup alpha = 0.2 on the batch, 200 epochs (Section 5.4).
_base_ = './resnet50-d_8xb128-efficient-cos-ls_in1k.py'
model = dict(train_cfg=dict(augments=dict(type='Mixup', alpha=0.2)))
train_cfg = dict(max_epochs=200)
param_scheduler = [
    dict(type='tricks_mm.LinearWarmupLR', by_epoch=True, begin=0, end=5, convert_to_iter_based=True),
    dict(type='tricks_mm.CosineDecayLR', by_epoch=True, begin=5, end=200, convert_to_iter_based=True),
]
