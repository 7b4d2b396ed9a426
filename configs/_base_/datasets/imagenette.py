# Imagenette (10 ImageNet classes; ../shared/data/imagenette) as the CPU-scale ImageNet stand-in: the
# paper's pipeline (Section 2.1) at 40 px: RandomResizedCrop 8-100 %, ratio 3/4-4/3, flip, HSV scales U[0.6, 1.4],
# PCA lighting 0.1; validation: short side 46, centre crop 40 (the paper's 256 -> 224
# ratio). DATA_ROOT (default ../shared/data) holds imagenette/.
_base_ = './imagenet_paper.py'
data_root = '{{$DATA_ROOT:../shared/data}}/imagenette'
data_preprocessor = dict(num_classes=10)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=40, crop_ratio_range=(0.08, 1.0),
         aspect_ratio_range=(3. / 4., 4. / 3.)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='tricks_mm.HSVScaleJitter', hue=0.4, saturation=0.4, brightness=0.4),
    dict(type='tricks_mm.PCALighting', eigval={{_base_.EIGVAL}}, eigvec={{_base_.EIGVEC}}, alphastd=0.1),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=46, edge='short'),
    dict(type='CenterCrop', crop_size=40),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=64, num_workers=1, persistent_workers=True,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=128, num_workers=1, persistent_workers=True,
    dataset=dict(data_root=data_root, pipeline=test_pipeline))
test_dataloader = val_dataloader
