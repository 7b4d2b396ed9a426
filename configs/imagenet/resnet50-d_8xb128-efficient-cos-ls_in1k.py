# Table 6, "+ label smoothing" (78.31): eps = 0.1, the paper's eq. 4 (Section 5.2).
_base_ = './resnet50-d_8xb128-efficient-cos_in1k.py'
model = dict(head=dict(loss=dict(_delete_=True, type='tricks_mm.LabelSmoothLoss', label_smooth_val=0.1,
                                 mode='paper')))
