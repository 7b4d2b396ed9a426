# Small-scale "+ label smoothing" row plus AutoAugment (Cubuk et al., CVPR 2019, arXiv:1805.09501; in none of the
# paper's tables) with its ImageNet policy (25 sub-policies of two operations: mmpretrain's operations and policy,
# through `tricks_mm.AutoAugment`, which passes the border fill on to them as gray 128 like the authors' code;
# mmpretrain 1.2.0's own drops `hparams` and fills Rotate's corners with BGR (128, 0, 0)), applied to the random
# crop after the flip, before the paper's HSV jitter and PCA lighting, which clip to [0, 255] (no uint8
# wrap-around anywhere: tests/test_autoaugment_pipeline.py). Protocol: docs/small_scale_reproduction.md; declared
# settings: configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=40, crop_ratio_range=(0.08, 1.0), aspect_ratio_range=(3. / 4., 4. / 3.)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='tricks_mm.AutoAugment', policies='imagenet', hparams=dict(pad_val=128)),
    dict(type='tricks_mm.HSVScaleJitter', hue=0.4, saturation=0.4, brightness=0.4),
    dict(type='tricks_mm.PCALighting', eigval={{_base_.EIGVAL}}, eigvec={{_base_.EIGVEC}}, alphastd=0.1),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
