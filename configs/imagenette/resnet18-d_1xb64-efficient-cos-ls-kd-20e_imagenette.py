# Small-scale "+ distill w/o mixup" (Section 5.3, T = 20), teacher ResNet-34-D (train it first).
_base_ = './resnet18-d_1xb64-efficient-cos-ls-20e_imagenette.py'
teacher_config = 'configs/imagenette/resnet34-d_1xb64-efficient-cos-ls-20e_imagenette.py'
teacher_checkpoint = 'work_dirs/resnet34-d_1xb64-efficient-cos-ls-20e_imagenette/epoch_20.pth'
model = dict(type='tricks_mm.DistillImageClassifier', teacher=teacher_config,
             teacher_checkpoint=teacher_checkpoint, temperature=20.0)
