# Table 6, "+ distill w/ mixup" (79.29): the teacher is trained with mixup too, and sees the same mixed
# images as the student (Section 5.3/5.4).
_base_ = './resnet50-d_8xb128-efficient-cos-ls-mixup-200e_in1k.py'
teacher_config = 'configs/imagenet/resnet152-d_8xb128-efficient-cos-ls-mixup-200e_in1k.py'
teacher_checkpoint = 'work_dirs/resnet152-d_8xb128-efficient-cos-ls-mixup-200e_in1k/epoch_200.pth'
model = dict(type='tricks_mm.DistillImageClassifier', teacher=teacher_config,
             teacher_checkpoint=teacher_checkpoint, temperature=20.0)
