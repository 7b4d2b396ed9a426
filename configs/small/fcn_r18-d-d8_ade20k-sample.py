# Format fidelity: the genuine ADEChallengeData2016 layout and 150-class head, evaluated with mmseg's
# ADE20KDataset and IoUMetric on ../shared/data/ade20k-sample (3 validation images). Test-only:
#   tools/test.py configs/small/fcn_r18-d-d8_ade20k-sample.py CHECKPOINT
_base_ = './fcn_r18-d-d8_256x256_600i_camvid.py'
data_root = '{{$DATA_ROOT:../shared/data}}/ade20k-sample'
model = dict(decode_head=dict(num_classes=150), auxiliary_head=dict(num_classes=150))
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
