# Table 4, "+ No bias decay", BS 1024 (76.03).
_base_ = './resnet50-a_8xb128-step-warmup-zerogamma_in1k.py'
optim_wrapper = dict(paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
