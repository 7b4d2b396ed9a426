# Table 4, row "+ Zero gamma", BS 1024: gamma = 0 in the last BN of each residual block (Section 3.1); lr 0.4
# (linear scaling, Section 3.1). Declared settings and paper numbers: configs/imagenet/metafile.yml.
_base_ = [
    '../_base_/models/resnet50.py', '../_base_/datasets/imagenet_paper.py',
    '../_base_/schedules/imagenet_bs1024_120e_warmup.py', '../_base_/default_runtime_in1k.py'
]
train_dataloader = dict(batch_size=128)  # 8 GPUs x 128 = 1024
model = dict(backbone=dict(variant='A', zero_init_residual=True))
