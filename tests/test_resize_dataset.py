"""tools/misc/resize_dataset.py: pre-resized copies keep the layout, the boxes follow the image, label maps stay
exact, and bad input is a clear error."""
import os
import os.path as osp
import xml.etree.ElementTree as ET

import cv2
import numpy as np
import pytest

from conftest import REPO, assert_ok, run_tool
from tricks_mm.datasets.synthetic import make_ade20k, make_classification_set, make_voc_devkit

import importlib.util
_spec = importlib.util.spec_from_file_location('resize_dataset', osp.join(REPO, 'tools/misc/resize_dataset.py'))
resize_dataset = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(resize_dataset)


def _files(root):
    return sorted(osp.relpath(osp.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def test_imagenet_layout(tmp_path):
    src = str(tmp_path / 'cls')
    make_classification_set(src, num_per_class={'train': 2, 'val': 1}, size=112)
    dst = str(tmp_path / 'small')
    proc = run_tool(['tools/misc/resize_dataset.py', src, dst, '--short-side', '40'])
    assert_ok(proc)
    assert 'imagenet layout' in proc.stdout
    assert _files(src) == _files(dst)
    for rel in _files(dst):
        assert min(cv2.imread(osp.join(dst, rel)).shape[:2]) == 40


def test_voc_boxes_follow_the_image(tmp_path):
    root = str(tmp_path / 'voc')
    make_voc_devkit(root, splits={('2007', 'trainval'): 4}, size=128)
    src = osp.join(root, 'VOCdevkit', 'VOC2007')
    dst = str(tmp_path / 'voc_small')
    counts = resize_dataset.convert(src, dst, 64)
    assert counts['layout'] == 'voc' and counts['xml'] == 4 and counts['images'] == 4
    assert _files(src) == _files(dst)  # ImageSets copied, nothing lost
    for rel in _files(src):
        if not rel.endswith('.xml'):
            continue
        a, b = ET.parse(osp.join(src, rel)).getroot(), ET.parse(osp.join(dst, rel)).getroot()
        assert int(b.find('size/width').text) == 64 and int(b.find('size/height').text) == 64
        for box_a, box_b in zip(a.iter('bndbox'), b.iter('bndbox')):
            for tag in ('xmin', 'ymin', 'xmax', 'ymax'):
                assert float(box_b.find(tag).text) == pytest.approx(float(box_a.find(tag).text) * 0.5, abs=0.06)


def test_ade_labels_resized_nearest(tmp_path):
    root = str(tmp_path / 'ade')
    make_ade20k(root)
    src = osp.join(root, 'ADEChallengeData2016')
    dst = str(tmp_path / 'ade_small')
    counts = resize_dataset.convert(src, dst, 32)
    assert counts['layout'] == 'ade' and counts['labels'] == counts['images'] > 0
    for rel in _files(dst):
        if rel.startswith('annotations'):
            before = cv2.imread(osp.join(src, rel), cv2.IMREAD_UNCHANGED)
            after = cv2.imread(osp.join(dst, rel), cv2.IMREAD_UNCHANGED)
            assert set(np.unique(after)) <= set(np.unique(before))  # no blended label values
            image = cv2.imread(osp.join(dst, 'images', osp.splitext(rel[len('annotations/'):])[0] + '.jpg'))
            assert image.shape[:2] == after.shape[:2]


def test_small_images_copied_and_bad_input(tmp_path):
    src = str(tmp_path / 'cls')
    make_classification_set(src, num_per_class={'train': 1}, size=32)
    dst = str(tmp_path / 'out')
    resize_dataset.convert(src, dst, 64)
    for rel in _files(src):
        with open(osp.join(src, rel), 'rb') as a, open(osp.join(dst, rel), 'rb') as b:
            assert a.read() == b.read()
    with pytest.raises(ValueError, match='outside SRC'):
        resize_dataset.convert(src, osp.join(src, 'inside'), 16)
    bad = osp.join(src, 'train', os.listdir(osp.join(src, 'train'))[0], 'broken.jpg')
    with open(bad, 'wb') as f:
        f.write(b'not a jpeg')
    proc = run_tool(['tools/misc/resize_dataset.py', src, str(tmp_path / 'out2'), '--short-side', '16'])
    assert proc.returncode != 0 and 'broken.jpg' in proc.stderr and 'not a readable image' in proc.stderr
