# Table 4, "+ No bias decay", BS 256 (76.16): weight decay on conv and FC weights only (Section 3.1).
_base_ = './resnet50-a_8xb32-step-warmup-zerogamma_in1k.py'
optim_wrapper = dict(paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.))
