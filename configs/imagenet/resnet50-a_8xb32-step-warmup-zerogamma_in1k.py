# Table 4, "+ Zero gamma", BS 256 (76.19): gamma = 0 in each residual block's last BN (Section 3.1).
_base_ = './resnet50-a_8xb32-step-warmup_in1k.py'
model = dict(backbone=dict(zero_init_residual=True))
