# Demo Table 9 row "B-standard": the demo FCN (fcn_r18-d-d8_1xb8-160i_synthetic-ade-64x64.py) on a dilated
# ResNet-18-B, the backbone of the demo B-standard classifier.
_base_ = './fcn_r18-d-d8_1xb8-160i_synthetic-ade-64x64.py'
model = dict(backbone=dict(variant='B'))
