# Table 4, "+ FP16", BS 1024 (76.21) = Table 3/5 "Efficient" ResNet-50: BS 1024, lr 0.4, warmup,
# zero gamma, no bias decay, FP16 (Section 3). The base of Tables 5 and 6.
_base_ = './resnet50-a_8xb128-step-warmup-zerogamma-nobiasdecay_in1k.py'
optim_wrapper = dict(type='AmpOptimWrapper', loss_scale='dynamic')
