"""Data checked before the time is spent (issue 12, item 4): tools/misc/check_dataset.py and the check
at the start of tools/train.py list every bad file at once (undecodable images, malformed XML, boxes
outside the image, RGB or wrong-size label maps, label values outside the classes, class counts that
do not match the heads); ``skip_bad_images=True`` skips unreadable training images with a counted
warning."""
import os
import os.path as osp
import shutil

import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from conftest import REPO, assert_ok, run_tool
from tricks_mm.datasets.checks import DataCheckError, check_data

CLS = 'configs/smoke/resnet18-d_synthetic-cls_smoke.py'
DET = 'configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py'
SEG = 'configs/smoke/fcn_r18-d8_synthetic-ade_smoke.py'


def _truncate(path):
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])


@pytest.fixture
def broken_root(synthetic_root, tmp_path):
    """A copy of the synthetic data with one fault of each kind; returns (root, {fault: file})."""
    root = str(tmp_path / 'data')
    shutil.copytree(synthetic_root, root)
    bad = {}
    cls_train = osp.join(root, 'imagenet', 'train')
    bad['truncated_jpeg'] = osp.join(cls_train, 'circle', sorted(os.listdir(osp.join(cls_train, 'circle')))[0])
    _truncate(bad['truncated_jpeg'])
    os.makedirs(osp.join(cls_train, 'star'))  # a 5th class folder; the head has num_classes=4
    shutil.copy(osp.join(cls_train, 'square', sorted(os.listdir(osp.join(cls_train, 'square')))[0]),
                osp.join(cls_train, 'star', 'star_0.JPEG'))

    voc = osp.join(root, 'VOCdevkit', 'VOC2007')
    bad['malformed_xml'] = osp.join(voc, 'Annotations', '2007_trainval_000001.xml')
    with open(bad['malformed_xml'], 'w') as f:
        f.write('<annotation><object><name>circle</name>')
    bad['box_outside'] = osp.join(voc, 'Annotations', '2007_trainval_000002.xml')
    with open(bad['box_outside']) as f:
        text = f.read()
    with open(bad['box_outside'], 'w') as f:
        f.write(text.replace('<xmax>', '<xmax>9', 1))
    bad['corrupt_jpeg'] = osp.join(voc, 'JPEGImages', '2007_test_000000.jpg')
    with open(bad['corrupt_jpeg'], 'wb') as f:
        f.write(b'not a jpeg at all')

    ade = osp.join(root, 'ADEChallengeData2016', 'annotations')
    bad['rgb_label'] = osp.join(ade, 'training', 'ADE_training_00000001.png')
    Image.open(bad['rgb_label']).convert('RGB').save(bad['rgb_label'])
    bad['half_size_label'] = osp.join(ade, 'validation', 'ADE_validation_00000002.png')
    label = Image.open(bad['half_size_label'])
    label.resize((label.width // 2, label.height // 2), Image.NEAREST).save(bad['half_size_label'])
    bad['out_of_range'] = osp.join(ade, 'training', 'ADE_training_00000003.png')
    values = np.array(Image.open(bad['out_of_range']))
    values[:4, :4] = 9  # class 8 after reduce_zero_label; the smoke set has 3 classes
    Image.fromarray(values).save(bad['out_of_range'])
    return root, bad


def _check(config, root, monkeypatch, **kwargs):
    monkeypatch.setenv('DATA_ROOT', root)
    return check_data(Config.fromfile(osp.join(REPO, config)), **kwargs)


def _messages(report):
    return {p.file: p.message for p in report.problems}


def test_classification_data_truncated_jpeg_and_extra_class_folder(broken_root, monkeypatch):
    root, bad = broken_root
    report = _check(CLS, root, monkeypatch)
    found = _messages(report)
    assert 'cannot be decoded' in found[bad['truncated_jpeg']]
    assert 'config model.head.num_classes' in found and '5 classes' in found['config model.head.num_classes']
    assert 'set model.head.num_classes=5' in found['config model.head.num_classes']
    with pytest.raises(DataCheckError, match='skip_bad_images=True'):
        report.raise_if_errors('config x')


def test_voc_malformed_xml_box_outside_and_corrupt_image(broken_root, monkeypatch):
    root, bad = broken_root
    report = _check(DET, root, monkeypatch)
    found = _messages(report)
    assert 'malformed XML' in found[bad['malformed_xml']]
    assert 'lies outside the 128x128 image' in found[bad['box_outside']]
    assert 'cannot be decoded' in found[bad['corrupt_jpeg']]  # in the test split: checked before training
    assert {p.file for p in report.errors} == {bad['malformed_xml'], bad['corrupt_jpeg']}


def test_segmentation_rgb_label_wrong_size_and_values_out_of_range(broken_root, monkeypatch):
    root, bad = broken_root
    found = _messages(_check(SEG, root, monkeypatch))
    assert 'saved as RGB' in found[bad['rgb_label']]
    assert 'label map is 48x48 but its image' in found[bad['half_size_label']]
    assert 'label values [8] outside the 3 classes' in found[bad['out_of_range']]


def test_sample_mode_checks_a_fixed_subset(synthetic_root, monkeypatch):
    report = _check(SEG, synthetic_root, monkeypatch, mode='sample', sample=3)
    assert not report.problems
    assert all('3 of' in what for what in report.checked.values())
    assert not _check(SEG, synthetic_root, monkeypatch, mode='off').checked


def test_class_count_against_the_detector_head(synthetic_root, monkeypatch):
    monkeypatch.setenv('DATA_ROOT', synthetic_root)
    cfg = Config.fromfile(osp.join(REPO, DET))
    cfg.model.roi_head.bbox_head.num_classes = 20
    found = _messages(check_data(cfg))
    assert '20, but the data' in found['config model.roi_head.bbox_head.num_classes']


def test_check_dataset_tool_lists_every_bad_file(broken_root):
    root, bad = broken_root
    proc = run_tool(['tools/misc/check_dataset.py', SEG], {'DATA_ROOT': root})
    assert proc.returncode == 1
    for key in ('rgb_label', 'half_size_label', 'out_of_range'):
        assert bad[key] in proc.stdout
    assert 'errors:' in proc.stdout and 'Traceback' not in proc.stderr


def test_check_dataset_tool_passes_clean_data(synthetic_root):
    proc = run_tool(['tools/misc/check_dataset.py', DET, '--mode', 'full'], {'DATA_ROOT': synthetic_root})
    assert_ok(proc)
    assert 'no problems' in proc.stdout


def test_train_refuses_bad_data_before_training(broken_root, tmp_path):
    root, bad = broken_root
    proc = run_tool(['tools/train.py', SEG, '--work-dir', str(tmp_path)], {'DATA_ROOT': root})
    assert proc.returncode != 0 and 'DataCheckError' in proc.stderr
    assert bad['rgb_label'] in proc.stderr and bad['half_size_label'] in proc.stderr
    assert not any(f.endswith('.pth') for f in os.listdir(tmp_path))


def test_skip_bad_images_trains_past_unreadable_images_with_counted_warnings(synthetic_root, tmp_path):
    root = str(tmp_path / 'data')
    shutil.copytree(osp.join(synthetic_root, 'imagenet'), osp.join(root, 'imagenet'))
    circles = osp.join(root, 'imagenet', 'train', 'circle')
    broken = [osp.join(circles, f) for f in sorted(os.listdir(circles))[:4]]
    for path in broken:
        with open(path, 'wb') as f:
            f.write(b'not an image')
    options = ['--cfg-options', 'train_cfg.max_iters=8', 'train_cfg.val_interval=8']  # one pass: all 64 images
    refused = run_tool(['tools/train.py', CLS, '--work-dir', str(tmp_path / 'a')] + options, {'DATA_ROOT': root})
    assert refused.returncode != 0 and all(p in refused.stderr for p in broken)
    proc = run_tool(['tools/train.py', CLS, '--work-dir', str(tmp_path / 'b')] + options +
                    ['skip_bad_images=True'], {'DATA_ROOT': root})
    assert_ok(proc)
    log = proc.stdout + proc.stderr
    assert 'skip_bad_images: skipped unreadable image' in log and 'skipped so far' in log
    assert any(p in log for p in broken)
