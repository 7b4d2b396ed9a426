# Small-scale "+ label smoothing" row plus Cutout (DeVries & Taylor 2017, arXiv:1708.04552; in none of the paper's
# tables): one 20 x 20 px square per image, centre uniform over the image, clipped at the border, filled with the
# normalisation mean in BGR (zero after the data preprocessor, as the authors cut out normalised images), after the
# baseline augmentations. Side: DeVries & Taylor found 16 px best on 32 px CIFAR-10 (10 classes, as Imagenette), and
# the ImageNet Cutout of CutMix (Yun et al. 2019) is 112 px on 224 px crops: half the side in both, so 20 px on our
# 40 px crops (a quarter of the area before clipping, about 0.19 of it on average after). Protocol:
# docs/small_scale_reproduction.md; declared settings: configs/imagenette/metafile.yml.
_base_ = './resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=40, crop_ratio_range=(0.08, 1.0), aspect_ratio_range=(3. / 4., 4. / 3.)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='tricks_mm.HSVScaleJitter', hue=0.4, saturation=0.4, brightness=0.4),
    dict(type='tricks_mm.PCALighting', eigval={{_base_.EIGVAL}}, eigvec={{_base_.EIGVEC}}, alphastd=0.1),
    dict(type='tricks_mm.Cutout', size=20, fill=[103.939, 116.779, 123.68], prob=1.0),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
