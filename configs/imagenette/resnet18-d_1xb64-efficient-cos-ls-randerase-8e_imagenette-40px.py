# Small-scale "+ label smoothing" row plus Random Erasing (Zhong et al., AAAI 2020, arXiv:1708.04896; in none of the
# paper's tables) with the paper's settings: probability 0.5, area ratio U[0.02, 0.4], aspect ratio (height / width)
# U[0.3, 1 / 0.3], drawn again until the rectangle fits (Algorithm 1), every pixel set to a random value in [0, 255]
# (RE-R), after the baseline augmentations. Protocol: docs/small_scale_reproduction.md; declared settings:
# configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=40, crop_ratio_range=(0.08, 1.0), aspect_ratio_range=(3. / 4., 4. / 3.)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='tricks_mm.HSVScaleJitter', hue=0.4, saturation=0.4, brightness=0.4),
    dict(type='tricks_mm.PCALighting', eigval={{_base_.EIGVAL}}, eigvec={{_base_.EIGVEC}}, alphastd=0.1),
    dict(type='tricks_mm.RandomErasing', prob=0.5, area_ratio=(0.02, 0.4), aspect_ratio=(0.3, 1 / 0.3),
         fill='random', placement='algorithm'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
