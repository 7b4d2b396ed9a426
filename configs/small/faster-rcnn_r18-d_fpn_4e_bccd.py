# Small-scale Table 8 on real data: Faster R-CNN + FPN, ResNet-18-D initialised from an Imagenette
# classifier, BCCD (exact Pascal VOC layout, 3 classes; 2 degenerate boxes are dropped with a warning).
# Runs on the CPU: 4 epochs over 292 trainval images at 512x384, tested on the 72 test images.
_base_ = [
    '../_base_/models/faster-rcnn_r50-d_fpn.py', 'mmdet::_base_/default_runtime.py',
    '../_base_/classifier_checkpoints.py'
]
data_root = '{{$DATA_ROOT:../shared/data}}/bccd/'
metainfo = dict(classes=('RBC', 'WBC', 'Platelets'))
model = dict(
    backbone=dict(depth=18, init_cfg=dict(type='Pretrained', checkpoint={{_base_.small_d_cos_ls}},
                                          prefix='backbone.')),
    neck=dict(in_channels=[64, 128, 256, 512]),
    roi_head=dict(bbox_head=dict(num_classes=3)))
scale = (512, 384)
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
max_epochs = 4
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=100),
    dict(type='MultiStepLR', begin=0, end=max_epochs, by_epoch=True, milestones=[3], gamma=0.1),
]
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=max_epochs))
auto_scale_lr = dict(enable=False, base_batch_size=2)
