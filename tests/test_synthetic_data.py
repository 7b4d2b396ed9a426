"""The synthetic data sets: deterministic, real layouts, exact labels."""
import hashlib
import os
import os.path as osp
import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image

from tricks_mm.datasets.synthetic import SHAPES, make_ade20k, make_classification_set, make_voc_devkit


def _digest(root):
    h = hashlib.sha256()
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            h.update(f.encode())
            with open(osp.join(dirpath, f), 'rb') as fh:
                h.update(fh.read())
    return h.hexdigest()


def test_deterministic(tmp_path):
    a = make_voc_devkit(str(tmp_path / 'a'), seed=3)
    b = make_voc_devkit(str(tmp_path / 'b'), seed=3)
    c = make_voc_devkit(str(tmp_path / 'c'), seed=4)
    assert _digest(a) == _digest(b) != _digest(c)


def test_imagenet_layout(tmp_path):
    root = make_classification_set(str(tmp_path), num_per_class={'train': 3, 'val': 2})
    assert sorted(os.listdir(osp.join(root, 'train'))) == sorted(SHAPES)
    assert len(os.listdir(osp.join(root, 'val', 'circle'))) == 2
    img = Image.open(osp.join(root, 'train', 'cross', os.listdir(osp.join(root, 'train', 'cross'))[0]))
    assert img.mode == 'RGB' and img.size == (64, 64)


def test_voc_boxes_are_exact(tmp_path):
    root = make_voc_devkit(str(tmp_path), splits={('2007', 'trainval'): 6, ('2007', 'test'): 2,
                                                   ('2012', 'trainval'): 2})
    base = osp.join(root, 'VOCdevkit', 'VOC2007')
    ids = open(osp.join(base, 'ImageSets/Main/trainval.txt')).read().split()
    assert len(ids) == 6
    assert open(osp.join(base, 'ImageSets/Main/train.txt')).read().split() + \
        open(osp.join(base, 'ImageSets/Main/val.txt')).read().split() == ids
    assert osp.isdir(osp.join(root, 'VOCdevkit', 'VOC2012', 'JPEGImages'))
    for stem in ids:
        tree = ET.parse(osp.join(base, 'Annotations', stem + '.xml'))
        img = np.asarray(Image.open(osp.join(base, 'JPEGImages', stem + '.jpg')), dtype=float)
        objs = tree.findall('object')
        assert objs
        for obj in objs:
            b = [int(obj.find('bndbox').find(k).text) for k in ('xmin', 'ymin', 'xmax', 'ymax')]
            x0, y0, x1, y1 = b[0] - 1, b[1] - 1, b[2] - 1, b[3] - 1  # VOC is 1-based
            assert 0 <= x0 < x1 < 128 and 0 <= y0 < y1 < 128
            inside = img[y0:y1 + 1, x0:x1 + 1]
            # the painted shape makes the box's content differ from a plain background patch
            assert inside.std(axis=(0, 1)).sum() > 10


def test_ade_masks_are_exact(tmp_path):
    root = make_ade20k(str(tmp_path), splits={'training': 4, 'validation': 2})
    base = osp.join(root, 'ADEChallengeData2016')
    names = sorted(os.listdir(osp.join(base, 'annotations', 'training')))
    assert len(names) == 4 and names[0].endswith('.png')
    for n in names:
        seg = np.asarray(Image.open(osp.join(base, 'annotations', 'training', n)))
        img = np.asarray(Image.open(osp.join(base, 'images', 'training', n[:-4] + '.jpg')), dtype=float)
        assert seg.dtype == np.uint8 and set(np.unique(seg)) <= {0, 1, 2, 3} and (seg > 0).any()
        # exact masks: colour is flat inside a mask and jumps across its border (contrasting paint)
        right_same = seg[:, :-1] == seg[:, 1:]
        step = np.abs(img[:, :-1] - img[:, 1:]).sum(-1)
        inside = right_same & (seg[:, :-1] > 0)
        border = ~right_same
        assert step[inside].mean() < 25 and step[border].mean() > 3 * step[inside].mean()
