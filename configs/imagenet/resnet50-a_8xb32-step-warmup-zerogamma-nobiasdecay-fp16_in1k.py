# Table 4, "+ FP16", BS 256 (76.15): mixed precision with dynamic loss scaling (Section 3.2).
# On a CPU, `tools/train.py --amp` picks bf16 autocast (tricks_mm.BF16OptimWrapper) instead.
_base_ = './resnet50-a_8xb32-step-warmup-zerogamma-nobiasdecay_in1k.py'
optim_wrapper = dict(type='AmpOptimWrapper', loss_scale='dynamic')
