# Fruit detection (apple/banana/orange) on everyday photos, the second CPU-scale VOC stand-in: VOC XML side
# by side with the images and no ImageSets (every image with an XML is used), sizes 0x0 in 37 XMLs (taken from
# the images), RGBA/palette images (decoded to colour). 240 train / 60 test images; pipelines as bccd.py.
_base_ = './bccd.py'
data_root = '{{$DATA_ROOT:../shared/data}}/fruit/'
metainfo = dict(classes=('apple', 'banana', 'orange'))
_data = dict(type='tricks_mm.VOCLayoutDataset', data_root=data_root, metainfo=metainfo, ann_file='',
             img_subdir='', ann_subdir='')
train_dataloader = dict(dataset=dict(_data, data_prefix=dict(sub_data_root='train/')))
val_dataloader = dict(dataset=dict(_data, data_prefix=dict(sub_data_root='test/')))
test_dataloader = val_dataloader
