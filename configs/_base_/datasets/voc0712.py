# Pascal VOC 2007+2012 trainval -> VOC2007 test, 11-point VOC07 mAP (mmdet's voc0712 base), read through
# tricks_mm.VOCLayoutDataset. DATA_ROOT (default `data`) holds VOCdevkit/.
_base_ = 'mmdet::_base_/datasets/voc0712.py'
data_root = '{{$DATA_ROOT:data}}/VOCdevkit/'
_voc = dict(type='tricks_mm.VOCLayoutDataset', data_root=data_root,
            filter_cfg=dict(filter_empty_gt=True, min_size=32, bbox_min_size=32))
train_dataloader = dict(
    dataset=dict(dataset=dict(datasets=[
        dict(_voc, ann_file='VOC2007/ImageSets/Main/trainval.txt', data_prefix=dict(sub_data_root='VOC2007/'),
             pipeline={{_base_.train_pipeline}}),
        dict(_voc, ann_file='VOC2012/ImageSets/Main/trainval.txt', data_prefix=dict(sub_data_root='VOC2012/'),
             pipeline={{_base_.train_pipeline}}),
    ])))
val_dataloader = dict(dataset=dict(type='tricks_mm.VOCLayoutDataset', data_root=data_root))
test_dataloader = val_dataloader
# 'area' (VOC2010+ metric) is the other option: val_evaluator = dict(eval_mode='area')
