# FCN with a dilated ResNet-50-D (D8: stages 3/4 dilated 2/4, output stride 8) and an auxiliary head on
# ADE20K, 512x512 crops, mmseg's 80k-iteration schedule (paper Section 6.2 gives no schedule; this is
# mmseg's standard FCN recipe, batch 16 = 4 GPUs x 4, SyncBN). Metrics: mIoU and pixel accuracy (aAcc).
# The row configs of Table 9 inherit this and choose the variant and the classifier checkpoint.
_base_ = [
    '../_base_/models/fcn_r50-d8.py', 'mmseg::_base_/datasets/ade20k.py',
    'mmseg::_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_80k.py',
    '../_base_/classifier_checkpoints.py'
]
crop_size = (512, 512)
data_root = '{{$DATA_ROOT:data}}/ade/ADEChallengeData2016'
model = dict(data_preprocessor=dict(size=crop_size), decode_head=dict(num_classes=150),
             auxiliary_head=dict(num_classes=150))
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])  # also reports aAcc (pixel accuracy)
test_evaluator = val_evaluator
