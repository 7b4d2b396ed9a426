# ImageNet with the paper's baseline pipeline (Section 2.1). Layout: <data_root>/{train,val}/<wnid>/*.JPEG
# (class folders for val too, as torchvision's ImageFolder). DATA_ROOT (default `data`) holds imagenet/.
data_root = '{{$DATA_ROOT:data}}/imagenet'
dataset_type = 'CustomDataset'
data_preprocessor = dict(
    num_classes=1000,
    mean=[123.68, 116.779, 103.939],  # the paper's normalisation (Section 2.1)
    std=[58.393, 57.12, 57.375],
    to_rgb=True)
# PCA lighting noise N(0, 0.1) with the AlexNet eigen-decomposition, in BGR order as loaded
EIGVAL = [55.4625, 4.7940, 1.1475]
EIGVEC = [[-0.5836, -0.6948, 0.4203], [-0.5808, -0.0045, -0.8140], [-0.5675, 0.7192, 0.4009]]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.08, 1.0),
         aspect_ratio_range=(3. / 4., 4. / 3.)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='tricks_mm.HSVScaleJitter', hue=0.4, saturation=0.4, brightness=0.4),  # U[0.6, 1.4]
    dict(type='tricks_mm.PCALighting', eigval=EIGVAL, eigvec=EIGVEC, alphastd=0.1),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, data_prefix='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, data_prefix='val', pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, 5))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
