# The one place where classifier checkpoints are set: the backbones of the detection/segmentation rows
# (Tables 8 and 9) and the teachers of the distillation rows (Table 6, Section 5.3). CLASSIFIER_ROOT
# (default work_dirs) holds one folder per classifier config, as `tools/train.py CONFIG` writes it
# (work_dirs/<config name>/epoch_<last>.pth); a converted checkpoint
# (`tools/model_converters/convert_resnet.py`, e.g. from timm) can stand in for any of them.
cls_root = '{{$CLASSIFIER_ROOT:work_dirs}}'
# ImageNet, ResNet-50 (configs/imagenet): Tables 8/9 backbones
cls_b_standard = cls_root + '/resnet50-b_8xb32-step-120e_in1k/epoch_120.pth'
cls_d_efficient = cls_root + '/resnet50-d_8xb128-efficient-120e_in1k/epoch_120.pth'
cls_d_cos = cls_root + '/resnet50-d_8xb128-efficient-cos-120e_in1k/epoch_120.pth'
cls_d_cos_ls = cls_root + '/resnet50-d_8xb128-efficient-cos-ls-120e_in1k/epoch_120.pth'
cls_d_cos_ls_kd = cls_root + '/resnet50-d_8xb128-efficient-cos-ls-kd-120e_in1k/epoch_120.pth'
cls_d_cos_ls_mixup = cls_root + '/resnet50-d_8xb128-efficient-cos-ls-mixup-200e_in1k/epoch_200.pth'
cls_d_cos_ls_mixup_kd = cls_root + '/resnet50-d_8xb128-efficient-cos-ls-mixup-kd-200e_in1k/epoch_200.pth'
# ImageNet teachers, ResNet-152-D (Section 5.3): without and with mixup
teacher_cos_ls = cls_root + '/resnet152-d_8xb128-efficient-cos-ls-120e_in1k/epoch_120.pth'
teacher_cos_ls_mixup = cls_root + '/resnet152-d_8xb128-efficient-cos-ls-mixup-200e_in1k/epoch_200.pth'
# Imagenette, ResNet-18 at 40 px (configs/imagenette): the small-scale chain and its teacher (ResNet-34-D);
# configs/reproduce/small_real.py overrides these with each row's seed-matched checkpoint
small_b_standard = cls_root + '/resnet18-b_1xb64-step-8e_imagenette-40px/epoch_8.pth'
small_d_efficient = cls_root + '/resnet18-d_1xb64-efficient-8e_imagenette-40px/epoch_8.pth'
small_d_cos_ls = cls_root + '/resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px/epoch_8.pth'
small_d_cos_ls_mixup = cls_root + '/resnet18-d_1xb64-efficient-cos-ls-mixup-13e_imagenette-40px/epoch_13.pth'
small_teacher_cos_ls = cls_root + '/resnet34-d_1xb64-efficient-cos-ls-8e_imagenette-40px/epoch_8.pth'
