# Batch 1024, lr 0.4, step decay after a 5-epoch linear warmup from 0 (Section 3.1): the schedule of Table 4's
# BS 1024 rows from "+ LR warmup" on and of the "Efficient" setting of Tables 5 and 6.
_base_ = './imagenet_bs256_120e_warmup.py'
optim_wrapper = dict(optimizer=dict(lr=0.4))
auto_scale_lr = dict(base_batch_size=1024)
