# BCCD blood-cell detection (exact Pascal VOC layout without the devkit level, 3 classes; 2 degenerate boxes
# are dropped with a warning) as the CPU-scale VOC stand-in: 292 trainval images at 384x288, tested on the
# 72 test images with the 11-point VOC07 mAP. DATA_ROOT (default ../shared/data) holds bccd/.
data_root = '{{$DATA_ROOT:../shared/data}}/bccd/'
metainfo = dict(classes=('RBC', 'WBC', 'Platelets'))
scale = (384, 288)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=scale, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
_data = dict(type='tricks_mm.VOCLayoutDataset', data_root=data_root, metainfo=metainfo,
             data_prefix=dict(sub_data_root=''))
train_dataloader = dict(
    batch_size=2, num_workers=1, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True), batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(_data, ann_file='ImageSets/Main/trainval.txt', filter_cfg=dict(filter_empty_gt=True),
                 pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=2, num_workers=1, persistent_workers=True, drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(_data, ann_file='ImageSets/Main/test.txt', test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='VOCMetric', metric='mAP', eval_mode='11points')
test_evaluator = val_evaluator
