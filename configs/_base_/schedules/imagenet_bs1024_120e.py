# Batch 1024 (8 GPUs x 128) with the linear scaling rule (Section 3.1): lr 0.1 x 1024 / 256 = 0.4, step decay.
_base_ = './imagenet_bs256_120e.py'
optim_wrapper = dict(optimizer=dict(lr=0.4))
auto_scale_lr = dict(base_batch_size=1024)
