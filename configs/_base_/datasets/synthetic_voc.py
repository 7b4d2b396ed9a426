# The project's synthetic shapes in Pascal VOC layout: VOC2007+2012 trainval -> VOC2007 test,
# 11-point VOC07 mAP, as mmdet's voc0712 base. DATA_ROOT (default data/synthetic) holds VOCdevkit/.
_base_ = 'mmdet::_base_/datasets/voc0712.py'
data_root = '{{$DATA_ROOT:data/synthetic}}/VOCdevkit/'
classes = ('circle', 'square', 'triangle')
metainfo = dict(classes=classes)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(128, 128), keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(128, 128), keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs', meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
_voc = dict(type='VOCDataset', data_root=data_root, metainfo=metainfo,
            filter_cfg=dict(filter_empty_gt=True, min_size=4), pipeline=train_pipeline)
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        ignore_keys=['dataset_type'],
        datasets=[
            dict(_voc, ann_file='VOC2007/ImageSets/Main/trainval.txt',
                 data_prefix=dict(sub_data_root='VOC2007/')),
            dict(_voc, ann_file='VOC2012/ImageSets/Main/trainval.txt',
                 data_prefix=dict(sub_data_root='VOC2012/')),
        ]))
val_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    dataset=dict(data_root=data_root, metainfo=metainfo, pipeline=test_pipeline))
test_dataloader = val_dataloader
