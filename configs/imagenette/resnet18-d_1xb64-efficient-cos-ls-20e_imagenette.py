# Small-scale "+ label smoothing" (Section 5.2, eq. 4).
_base_ = './resnet18-d_1xb64-efficient-cos-20e_imagenette.py'
model = dict(head=dict(loss=dict(_delete_=True, type='tricks_mm.LabelSmoothLoss', label_smooth_val=0.1,
                                 mode='paper')))
