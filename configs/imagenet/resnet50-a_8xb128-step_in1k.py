# Table 4, "Linear scaling", BS 1024 (75.17): 8 GPUs x 128, lr 0.1 x 1024 / 256 = 0.4 (Section 3.1).
_base_ = './resnet50-a_8xb32-step_in1k.py'
train_dataloader = dict(batch_size=128)
optim_wrapper = dict(optimizer=dict(lr=0.4))
auto_scale_lr = dict(base_batch_size=1024)
