# Table 6, "+ distill w/o mixup" (78.67): teacher ResNet-152-D (cosine + label smoothing), T = 20,
# loss = CE + T^2 * CE(teacher/T, student/T) (Section 5.3, eq. 6). Train the teacher first.
_base_ = './resnet50-d_8xb128-efficient-cos-ls_in1k.py'
teacher_config = 'configs/imagenet/resnet152-d_8xb128-efficient-cos-ls_in1k.py'
teacher_checkpoint = 'work_dirs/resnet152-d_8xb128-efficient-cos-ls_in1k/epoch_120.pth'
model = dict(type='tricks_mm.DistillImageClassifier', teacher=teacher_config,
             teacher_checkpoint=teacher_checkpoint, temperature=20.0)
