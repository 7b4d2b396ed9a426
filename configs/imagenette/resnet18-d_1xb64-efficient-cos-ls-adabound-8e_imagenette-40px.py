# Small-scale AdaBound (Luo et al., ICLR 2019; not in the paper's tables): the "+ label smoothing" row with
# AdaBound in place of Nesterov SGD (tricks_mm/engine/optimizers/adabound.py). The AdaBound paper (CIFAR, batch
# 128) pairs Adam's lr 1e-3 with final_lr 0.1, its SGD learning rate; here SGD's lr is 0.025 (0.1 x 64 / 256), so
# both are scaled by 0.025 / 0.1: final_lr 0.025 (the bounds converge to this protocol's SGD lr) and lr 2.5e-4
# (the paper's ratio of 100; also Adam's 1e-3 per 256 images scaled linearly to 64). gamma 1e-3 as the paper: over
# this run's ~1180 iterations the bounds only narrow to about [0.54, 1.85] x final_lr (the paper's 78k iterations
# make them tight), so the row measures AdaBound's Adam-to-SGD transition. Warmup and cosine act on lr and final_lr.
# Weight decay, no bias decay, 8 epochs as the label-smoothing row. Declared settings: configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py'
optim_wrapper = dict(optimizer=dict(_delete_=True, type='tricks_mm.AdaBound', lr=2.5e-4, final_lr=0.025,
                                    betas=(0.9, 0.999), gamma=1e-3, weight_decay=1e-4))
