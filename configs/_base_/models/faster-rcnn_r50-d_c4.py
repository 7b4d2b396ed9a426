# Faster R-CNN in the C4 form the paper ran (GluonCV; Section 6.1, Table 8): mmdet's C4 base model with
# the tricks_mm ResNet split in two under the classifier's own names. The backbone is the stem and
# layer1-layer3 (stride 16: RPN and RoIAlign 14x14 read it); the RoI head's shared head is layer4
# (stride 2: 14x14 -> 7x7), then global average pooling and the box/class FCs. BN is frozen as in
# mmdet's C4 and GluonCV (requires_grad=False, norm_eval=True); the stem and layer1 are frozen.
#
# A Table 8 row that inherits this sets ONE classifier checkpoint for both parts and the variant of
# both parts (and nothing else of the model; num_classes=20 comes with the VOC config):
#   model = dict(
#       backbone=dict(variant=V, init_cfg=dict(checkpoint=CKPT)),
#       roi_head=dict(shared_head=dict(variant=V, init_cfg=dict(checkpoint=CKPT))))
# i.e. model.backbone.variant, model.backbone.init_cfg.checkpoint, model.roi_head.shared_head.variant,
# model.roi_head.shared_head.init_cfg.checkpoint. The Pretrained slots below fix the rest: the backbone
# loads the classifier's backbone.* except layer4.* (ignore_prefixes, an error if layer4 is absent), the
# shared head loads backbone.layer4.* ; both strictly, so each backbone tensor is used exactly once.
# Without a row's checkpoint the slots stop init_weights with an error; init_cfg=None trains from scratch.
_base_ = 'mmdet::_base_/models/faster-rcnn_r50-caffe-c4.py'
norm_cfg = dict(type='BN', requires_grad=False)
model = dict(
    # the classifiers' RGB normalisation (paper Section 2.1), as configs/_base_/models/faster-rcnn_r50-d_fpn.py
    data_preprocessor=dict(mean=[123.68, 116.779, 103.939], std=[58.393, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(
        _delete_=True,
        type='tricks_mm.TricksResNet',
        depth=50,
        variant='D',
        num_stages=3,
        strides=(1, 2, 2),
        dilations=(1, 1, 1),
        out_indices=(2, ),
        frozen_stages=1,
        norm_cfg=norm_cfg,
        norm_eval=True,
        zero_init_residual=False,
        init_cfg=dict(type='Pretrained', checkpoint=None, prefix='backbone.', ignore_prefixes=('layer4.', ))),
    roi_head=dict(
        shared_head=dict(
            _delete_=True,
            type='tricks_mm.TricksResLayer',
            depth=50,
            variant='D',
            stage=3,
            stride=2,
            dilation=1,
            norm_cfg=norm_cfg,
            norm_eval=True,
            zero_init_residual=False,
            init_cfg=dict(type='Pretrained', checkpoint=None, prefix='backbone.layer4.'))),
    # GluonCV's faster_rcnn_resnet50_v1b_voc where it differs from mmdet's C4 base: 128 sampled RoIs per
    # image (num_sample), RPN boxes under 16 px dropped (rpn_min_size), 300 proposals at test
    # (rpn_test_post_nms), class NMS at IoU 0.3 (nms_thresh), 100 detections per image (post_nms)
    train_cfg=dict(rpn_proposal=dict(min_bbox_size=16), rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(max_per_img=300, min_bbox_size=16),
                  rcnn=dict(nms=dict(type='nms', iou_threshold=0.3), max_per_img=100)))
