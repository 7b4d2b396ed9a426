# mmseg's standard FCN schedule (the paper, Section 6.2, gives none): 80k iterations, SGD lr 0.01 with poly
# decay, batch 16 = 4 GPUs x 4. `tools/train.py --auto-scale-lr` rescales lr to another batch (lr x batch / 16);
# without it a different GPU count changes the batch and keeps lr 0.01.
_base_ = 'mmseg::_base_/schedules/schedule_80k.py'
auto_scale_lr = dict(enable=False, base_batch_size=16)
