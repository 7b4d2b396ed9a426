# Table 4, row "+ LR warmup", BS 1024: linear warmup from 0 over 5 epochs, per iteration (Section 3.1); lr 0.4
# (linear scaling, Section 3.1). Declared settings and paper numbers: configs/imagenet/metafile.yml.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_bs1024_120e_warmup.py', '../_base_/default_runtime_in1k.py'
]
train_dataloader = dict(batch_size=128)  # 8 GPUs x 128 = 1024
model = dict(backbone=dict(variant='A'))
