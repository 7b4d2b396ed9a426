# CamVid in ADE20K layout (11 classes, 0 = void, ignored through reduce_zero_label) as the CPU-scale ADE20K
# stand-in: 192x192 crops of 480x360 images, mIoU and pixel accuracy. DATA_ROOT (default ../shared/data)
# holds camvid-ade/{images,annotations}/{training,validation}.
data_root = '{{$DATA_ROOT:../shared/data}}/camvid-ade'
classes = ('Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree', 'SignSymbol', 'Fence', 'Car',
           'Pedestrian', 'Bicyclist')
crop_size = (192, 192)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='tricks_mm.CheckSegLabels', num_classes=11),
    dict(type='RandomResize', scale=(480, 360), ratio_range=(0.5, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(480, 360), keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='tricks_mm.CheckSegLabels', num_classes=11),
    dict(type='PackSegInputs'),
]
_data = dict(type='tricks_mm.ADE20KLayoutDataset', data_root=data_root, metainfo=dict(classes=classes))
train_dataloader = dict(
    batch_size=4, num_workers=1, persistent_workers=True, sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(_data, data_prefix=dict(img_path='images/training', seg_map_path='annotations/training'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=1, persistent_workers=True, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(_data, data_prefix=dict(img_path='images/validation',
                                         seg_map_path='annotations/validation'), pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
