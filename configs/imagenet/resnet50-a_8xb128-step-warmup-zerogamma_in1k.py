# Table 4, "+ Zero gamma", BS 1024 (76.37).
_base_ = './resnet50-a_8xb128-step-warmup_in1k.py'
model = dict(backbone=dict(zero_init_residual=True))
