# ADE20K (SceneParsing, 150 classes) as mmseg's ade20k base: 512x512 crops, batch 4 per GPU, single-scale test
# at 2048x512; mIoU and pixel accuracy (IoUMetric reports aAcc with mIoU). DATA_ROOT (default `data`) holds
# ade/ADEChallengeData2016/{images,annotations}/{training,validation}.
_base_ = 'mmseg::_base_/datasets/ade20k.py'
data_root = '{{$DATA_ROOT:data}}/ade/ADEChallengeData2016'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])  # also reports aAcc (pixel accuracy)
test_evaluator = val_evaluator
