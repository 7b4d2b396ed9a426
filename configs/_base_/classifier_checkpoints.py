# The classifier checkpoints that initialise the detection/segmentation backbones (Tables 8 and 9),
# set in this one place. CLASSIFIER_ROOT (default work_dirs) is where tools/train.py wrote them;
# `tools/model_converters/convert_resnet.py` output (e.g. from timm) can stand in for any of them.
cls_root = '{{$CLASSIFIER_ROOT:work_dirs}}'
# ImageNet, ResNet-50 (configs/imagenet)
cls_b_standard = cls_root + '/resnet50-b_8xb32-step_in1k/epoch_120.pth'
cls_d_efficient = cls_root + '/resnet50-d_8xb128-efficient_in1k/epoch_120.pth'
cls_d_cos = cls_root + '/resnet50-d_8xb128-efficient-cos_in1k/epoch_120.pth'
cls_d_cos_ls = cls_root + '/resnet50-d_8xb128-efficient-cos-ls_in1k/epoch_120.pth'
cls_d_cos_ls_kd = cls_root + '/resnet50-d_8xb128-efficient-cos-ls-kd_in1k/epoch_120.pth'
cls_d_cos_ls_mixup = cls_root + '/resnet50-d_8xb128-efficient-cos-ls-mixup-200e_in1k/epoch_200.pth'
cls_d_cos_ls_mixup_kd = cls_root + '/resnet50-d_8xb128-efficient-cos-ls-mixup-kd-200e_in1k/epoch_200.pth'
# Imagenette, ResNet-18 (configs/imagenette): the small-scale chain
small_b_standard = cls_root + '/resnet18-b_1xb64-step-20e_imagenette/epoch_20.pth'
small_d_cos_ls = cls_root + '/resnet18-d_1xb64-efficient-cos-ls-20e_imagenette/epoch_20.pth'
