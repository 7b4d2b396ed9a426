# Format fidelity: the genuine ADEChallengeData2016 layout read by mmseg's ADE20KDataset (150 classes) on
# ../shared/data/ade20k-sample (3 validation images), test only; the training split stays CamVid's.
_base_ = './camvid.py'
data_root = '{{$DATA_ROOT:../shared/data}}/ade20k-sample'
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 512), keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs'),
]
val_dataloader = dict(dataset=dict(
    _delete_=True, type='ADE20KDataset', data_root=data_root,
    data_prefix=dict(img_path='images/validation', seg_map_path='annotations/validation'),
    pipeline=test_pipeline))
test_dataloader = val_dataloader
