# The project's synthetic shapes in ADE20K layout (0 = other, ignored through reduce_zero_label).
# mmseg's ADE20KDataset only accepts ADE's 150 names, so the generic BaseSegDataset carries our classes.
# DATA_ROOT (default data/synthetic) holds ADEChallengeData2016/.
data_root = '{{$DATA_ROOT:data/synthetic}}/ADEChallengeData2016'
dataset_type = 'BaseSegDataset'
metainfo = dict(classes=('circle', 'square', 'triangle'))
crop_size = (64, 64)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='RandomResize', scale=(96, 96), ratio_range=(0.75, 1.25), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(96, 96), keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs'),
]
_ade = dict(type=dataset_type, data_root=data_root, metainfo=metainfo, img_suffix='.jpg',
            seg_map_suffix='.png', reduce_zero_label=True)
train_dataloader = dict(
    batch_size=4, num_workers=0, sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(_ade, data_prefix=dict(img_path='images/training', seg_map_path='annotations/training'),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(_ade, data_prefix=dict(img_path='images/validation',
                                        seg_map_path='annotations/validation'),
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
