"""Every data quirk the VOC/ADE loaders claim to handle, on tiny folders written here.

VOC (``tricks_mm.VOCLayoutDataset``): a 0x0 or wrong ``<size>`` (size taken from the image), degenerate
boxes (dropped, one summary warning), unknown class names (skipped and named), gray/palette/RGBA images
(3-channel colour after ``LoadImageFromFile``), folders without ``ImageSets/Main`` (``ann_file=''`` or
``tools/dataset_converters/make_voc_splits.py``), a missing split list, missing class names.
ADE (``tricks_mm.ADE20KLayoutDataset``, ``tricks_mm.CheckSegLabels``): own class list with
``reduce_zero_label``, empty/missing image folder, label values outside the classes.
Warnings are collected by replacing ``print_log`` in the dataset module.
"""
import importlib.util
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from PIL import Image

import tricks_mm  # noqa: F401
import tricks_mm.datasets.voc as voc_module
from conftest import REPO, assert_ok, run_tool
from tricks_mm.datasets.voc import VOCLayoutDataset, list_voc_stems
from tricks_mm.registry import DATASETS, TRANSFORMS

CLASSES = ('cat', 'dog')
SPLIT_TOOL = osp.join(REPO, 'tools/dataset_converters/make_voc_splits.py')


# ----------------------------------------------------------------------------------------------- helpers
def _xml(stem, size, objects):
    """VOC XML text; ``size`` = (w, h) or None for no <size>; objects = [(name, (x0, y0, x1, y1))]."""
    size_xml = '' if size is None else (f'<size><width>{size[0]}</width><height>{size[1]}</height>'
                                        '<depth>3</depth></size>')
    objs = ''.join(f'<object><name>{n}</name><difficult>0</difficult><bndbox><xmin>{b[0]}</xmin>'
                   f'<ymin>{b[1]}</ymin><xmax>{b[2]}</xmax><ymax>{b[3]}</ymax></bndbox></object>'
                   for n, b in objects)
    return f'<annotation><filename>{stem}.jpg</filename>{size_xml}{objs}</annotation>'


def _image(w=48, h=40, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _write_pair(img_dir, ann_dir, stem, size=(48, 40), objects=(('cat', (5, 6, 30, 32)), ),
                img_wh=(48, 40), image=None):
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(ann_dir, exist_ok=True)
    img = image if image is not None else Image.fromarray(_image(*img_wh))
    img.save(osp.join(img_dir, stem + '.jpg'), format='JPEG' if img.mode in ('RGB', 'L') else 'PNG')
    with open(osp.join(ann_dir, stem + '.xml'), 'w') as f:
        f.write(_xml(stem, size, objects))


def _devkit(root, pairs, split='trainval'):
    """``root/{JPEGImages,Annotations,ImageSets/Main/<split>.txt}``; pairs = {stem: kwargs of _write_pair}."""
    for stem, kw in pairs.items():
        _write_pair(osp.join(root, 'JPEGImages'), osp.join(root, 'Annotations'), stem, **kw)
    os.makedirs(osp.join(root, 'ImageSets', 'Main'), exist_ok=True)
    with open(osp.join(root, 'ImageSets', 'Main', split + '.txt'), 'w') as f:
        f.write(''.join(s + '\n' for s in pairs))
    return root


def _voc(root, ann_file='ImageSets/Main/trainval.txt', classes=CLASSES, **kw):
    cfg = dict(type='tricks_mm.VOCLayoutDataset', data_root=str(root), ann_file=ann_file,
               data_prefix=dict(sub_data_root=''), pipeline=[], test_mode=True)
    if classes is not None:
        cfg['metainfo'] = dict(classes=classes)
    cfg.update(kw)
    return DATASETS.build(cfg)


@pytest.fixture
def logs(monkeypatch):
    """The messages VOCLayoutDataset logs, as (level, text)."""
    messages = []
    monkeypatch.setattr(voc_module, 'print_log',
                        lambda msg, logger=None, level=20: messages.append((level, str(msg))))
    return messages


@pytest.fixture(autouse=True)
def _mmdet_scope():
    init_default_scope('mmdet')


# ----------------------------------------------------------------------------------------------- 1. size
def test_xml_size_zero_or_wrong_is_taken_from_the_image(tmp_path, logs):
    _devkit(tmp_path, {
        'good': dict(size=(48, 40)),
        'zero': dict(size=(0, 0)),
        'wrong': dict(size=(480, 400)),
        'nosize': dict(size=None),  # mmdet then reads the image itself
    })
    ds = _voc(tmp_path)
    sizes = {osp.basename(d['img_path'])[:-4]: (d['width'], d['height']) for d in ds}
    assert sizes == {s: (48, 40) for s in ('good', 'zero', 'wrong', 'nosize')}
    # boxes are kept as written (minus one, VOC's 1-based corners)
    assert all(d['instances'][0]['bbox'] == [4.0, 5.0, 29.0, 31.0] for d in ds)
    warnings = [m for lvl, m in logs if 'wrong image size' in m]
    assert len(warnings) == 1 and logs[0][0] == 30
    assert '2 XML files give a wrong image size' in warnings[0]
    assert 'zero.xml' in warnings[0] and 'wrong.xml' in warnings[0]


def test_zero_size_image_survives_the_min_size_filter(tmp_path, logs):
    """Plain mmdet VOCDataset trusts the 0x0 and filters the image out (min_size); ours keeps it."""
    from mmdet.datasets import VOCDataset
    _devkit(tmp_path, {'zero': dict(size=(0, 0)), 'good': dict()})
    common = dict(data_root=str(tmp_path), ann_file='ImageSets/Main/trainval.txt',
                  data_prefix=dict(sub_data_root=''), metainfo=dict(classes=CLASSES), pipeline=[],
                  filter_cfg=dict(filter_empty_gt=True, min_size=8))
    assert len(VOCDataset(**common)) == 1
    ours = VOCLayoutDataset(**common)
    assert len(ours) == 2 and {(d['width'], d['height']) for d in ours} == {(48, 40)}


# ------------------------------------------------------------------------------------- 2. degenerate boxes
def test_degenerate_boxes_are_dropped_with_one_summary_warning(tmp_path, logs):
    good = ('cat', (5, 6, 30, 32))
    _devkit(tmp_path, {
        'flat_x': dict(objects=[good, ('dog', (20, 5, 20, 30))]),   # xmax == xmin
        'flat_y': dict(objects=[('dog', (2, 9, 40, 4)), good]),     # ymax < ymin
        'both': dict(objects=[('cat', (30, 30, 10, 10)), ('dog', (1, 1, 47, 39)), good]),
        'clean': dict(objects=[good, ('dog', (1, 1, 10, 12))]),
    })
    ds = _voc(tmp_path)
    boxes = {osp.basename(d['img_path'])[:-4]: [i['bbox'] for i in d['instances']] for d in ds}
    assert boxes == {
        'flat_x': [[4.0, 5.0, 29.0, 31.0]],
        'flat_y': [[4.0, 5.0, 29.0, 31.0]],
        'both': [[0.0, 0.0, 46.0, 38.0], [4.0, 5.0, 29.0, 31.0]],
        'clean': [[4.0, 5.0, 29.0, 31.0], [0.0, 0.0, 9.0, 11.0]],
    }
    warnings = [m for lvl, m in logs if 'degenerate' in m]
    assert len(warnings) == 1
    assert 'dropped 3 degenerate boxes' in warnings[0] and 'in 3 files' in warnings[0]
    for stem in ('flat_x', 'flat_y', 'both'):
        assert f'{stem}.xml' in warnings[0]
    assert 'clean.xml' not in warnings[0]
    # the dropped boxes never reach a training pipeline: a full detection pipeline runs on every image
    ds = _voc(tmp_path, pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations', with_bbox=True),
                                  dict(type='PackDetInputs')])
    for i in range(len(ds)):
        b = ds[i]['data_samples'].gt_instances.bboxes.tensor
        assert (b[:, 2] > b[:, 0]).all() and (b[:, 3] > b[:, 1]).all()


# ------------------------------------------------------------------------------------------ 3. unknown class
def test_unknown_class_names_are_skipped_and_named(tmp_path, logs):
    _devkit(tmp_path, {
        'a': dict(objects=[('cat', (5, 6, 30, 32)), ('zebra', (1, 1, 10, 10))]),
        'b': dict(objects=[('zebra', (2, 2, 20, 20)), ('Dog', (3, 3, 30, 30)), ('dog', (4, 4, 40, 38))]),
    })
    ds = _voc(tmp_path)
    labels = {osp.basename(d['img_path'])[:-4]: [i['bbox_label'] for i in d['instances']] for d in ds}
    assert labels == {'a': [0], 'b': [1]}
    warnings = [m for lvl, m in logs if 'not in the configured classes' in m]
    assert len(warnings) == 1
    assert "'zebra': 2" in warnings[0] and "'Dog': 1" in warnings[0]  # names and counts, case-sensitive
    assert "('cat', 'dog')" in warnings[0]  # and what the classes are


# ------------------------------------------------------------------------------------------ 4. image modes
def _mode_images():
    """Gray JPEG, palette PNG, RGBA PNG (the last two under a .jpg name, as such files turn up in VOC sets)."""
    gray = np.full((40, 48), 60, np.uint8)
    gray[:, 24:] = 200
    gray = Image.fromarray(gray, 'L')
    pal = Image.new('P', (48, 40), 0)
    pal.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0] + [0] * (256 * 3 - 9))
    pal.paste(1, (0, 0, 24, 40))
    pal.paste(2, (24, 0, 48, 40))
    rgba = np.zeros((40, 48, 4), np.uint8)
    rgba[..., 2], rgba[..., 3] = 200, 0  # blue, fully transparent
    return {'gray': gray, 'palette': pal, 'rgba': Image.fromarray(rgba, 'RGBA')}


def test_gray_palette_rgba_images_become_three_channel_bgr(tmp_path, logs):
    images = _mode_images()
    _devkit(tmp_path, {stem: dict(image=img) for stem, img in images.items()})
    assert Image.open(osp.join(tmp_path, 'JPEGImages', 'palette.jpg')).mode == 'P'
    ds = _voc(tmp_path, pipeline=[dict(type='LoadImageFromFile')])
    out = {osp.basename(ds[i]['img_path'])[:-4]: ds[i]['img'] for i in range(len(ds))}
    assert not logs  # sizes of PNG-in-.jpg files are read correctly too
    for stem, img in out.items():
        assert img.shape == (40, 48, 3) and img.dtype == np.uint8, stem
    gray = out['gray'].astype(int)
    assert (gray[..., 0] == gray[..., 1]).all() and (gray[..., 1] == gray[..., 2]).all()
    assert abs(gray[:, :16].mean() - 60) < 3 and abs(gray[:, -16:].mean() - 200) < 3
    # BGR order: palette index 1 is red, 2 is green
    assert (out['palette'][:, :24] == (0, 0, 255)).all() and (out['palette'][:, 24:] == (0, 255, 0)).all()
    assert (out['rgba'] == (200, 0, 0)).all()  # alpha dropped, colour kept


def test_mmpretrain_gray_jpeg_becomes_three_channels(tmp_path):
    """Imagenette has ~2% gray JPEGs: the classification pipeline must give 3 x H x W like the rest."""
    from mmpretrain.registry import DATASETS as CLS_DATASETS
    from mmpretrain.registry import TRANSFORMS as CLS_TRANSFORMS
    init_default_scope('mmpretrain')
    for label, mode in (('a', 'L'), ('b', 'RGB')):
        os.makedirs(tmp_path / 'train' / label)
        img = Image.fromarray(_image(40, 32)).convert(mode)
        img.save(tmp_path / 'train' / label / f'{label}.JPEG', quality=95)
    assert Image.open(tmp_path / 'train' / 'a' / 'a.JPEG').mode == 'L'
    load = CLS_TRANSFORMS.build(dict(type='LoadImageFromFile'))
    img = load(dict(img_path=str(tmp_path / 'train' / 'a' / 'a.JPEG')))['img']
    assert img.shape == (32, 40, 3) and img.dtype == np.uint8
    assert (img[..., 0] == img[..., 2]).all()
    ds = CLS_DATASETS.build(dict(type='CustomDataset', data_root=str(tmp_path), data_prefix='train',
                                 pipeline=[dict(type='LoadImageFromFile'),
                                           dict(type='ResizeEdge', scale=24, edge='short'),
                                           dict(type='CenterCrop', crop_size=24), dict(type='PackInputs')]))
    assert [tuple(ds[i]['inputs'].shape) for i in range(len(ds))] == [(3, 24, 24)] * 2


# ---------------------------------------------------------------------------------- 5. no ImageSets/Main
def _flat_folder(root):
    """Side-by-side <stem>.jpg/<stem>.xml, plus an image without XML and an XML without image."""
    for i in range(6):
        _write_pair(root, root, f'img{i}', objects=[(CLASSES[i % 2], (5, 6, 30, 32))])
    Image.fromarray(_image()).save(osp.join(root, 'lonely.jpg'))
    with open(osp.join(root, 'orphan.xml'), 'w') as f:
        f.write(_xml('orphan', (48, 40), [('cat', (1, 1, 9, 9))]))
    with open(osp.join(root, 'notes.txt'), 'w') as f:
        f.write('not an image')
    return root


def test_empty_ann_file_lists_every_image_with_an_xml(tmp_path, logs):
    flat = _flat_folder(str(tmp_path / 'flat'))
    ds = _voc(tmp_path, ann_file='', data_prefix=dict(sub_data_root='flat/'), img_subdir='', ann_subdir='')
    assert sorted(osp.basename(d['img_path']) for d in ds) == [f'img{i}.jpg' for i in range(6)]
    assert [d['instances'][0]['bbox_label'] for d in sorted(ds, key=lambda d: d['img_id'])] == [0, 1] * 3
    assert osp.dirname(ds[0]['img_path']) == flat.rstrip('/')
    skipped = [m for lvl, m in logs if 'without an image/XML partner' in m]
    assert len(skipped) == 1 and skipped[0].startswith('2 files') and 'lonely' in skipped[0] \
        and 'orphan' in skipped[0]
    # the VOC layout works the same way without ImageSets
    devkit = _devkit(str(tmp_path / 'devkit'), {f's{i}': dict() for i in range(3)})
    os.remove(osp.join(devkit, 'ImageSets', 'Main', 'trainval.txt'))
    assert len(_voc(devkit, ann_file='')) == 3
    assert list_voc_stems(osp.join(devkit, 'JPEGImages'), osp.join(devkit, 'Annotations')) == \
        (['s0', 's1', 's2'], [])


def _read_lists(out):
    return {n: open(osp.join(out, n + '.txt')).read().split() for n in ('trainval', 'train', 'val')}


def _split_tool():
    """The tool's ``main`` in this process (the subprocess runs cost ~10 s each: mmdet imports)."""
    spec = importlib.util.spec_from_file_location('make_voc_splits', SPLIT_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


@pytest.mark.parametrize('layout', ['voc', 'side-by-side'])
def test_make_voc_splits_partitions_the_stems_deterministically(layout, tmp_path):
    src = str(tmp_path / 'src')
    if layout == 'voc':
        _devkit(src, {f'im{i:02d}': dict() for i in range(8)})
        os.remove(osp.join(src, 'ImageSets', 'Main', 'trainval.txt'))
        Image.fromarray(_image()).save(osp.join(src, 'JPEGImages', 'lonely.jpg'))
        stems = [f'im{i:02d}' for i in range(8)]
    else:
        _flat_folder(src)
        stems = [f'img{i}' for i in range(6)]
    out = str(tmp_path / 'out')
    proc = run_tool([SPLIT_TOOL, src, out, '--val-ratio', '0.25', '--seed', '0'])  # as a user runs it
    assert_ok(proc)
    assert f'{len(stems)} images' in proc.stdout and 'without a partner skipped' in proc.stdout
    lists = _read_lists(out)
    assert lists['trainval'] == stems
    assert sorted(lists['train'] + lists['val']) == stems and not set(lists['train']) & set(lists['val'])
    assert len(lists['val']) == round(len(stems) * 0.25)
    # same seed, same split; another seed, another split (for these stems)
    main = _split_tool()
    main([src, str(tmp_path / 'again'), '--val-ratio', '0.25', '--seed', '0'])
    assert _read_lists(str(tmp_path / 'again')) == lists
    main([src, str(tmp_path / 'other'), '--val-ratio', '0.25', '--seed', '1'])
    assert _read_lists(str(tmp_path / 'other'))['val'] != lists['val']
    # without --val-ratio only trainval is written
    main([src, str(tmp_path / 'all')])
    assert os.listdir(tmp_path / 'all') == ['trainval.txt']
    # the written list is what the dataset reads
    kw = dict(data_prefix=dict(sub_data_root='src/'), test_mode=True)
    if layout == 'side-by-side':
        kw.update(img_subdir='', ann_subdir='')
    ds = _voc(tmp_path, ann_file=osp.join(out, 'val.txt'), **kw)
    assert sorted(d['img_id'] for d in ds) == lists['val']


def test_make_voc_splits_on_an_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / 'empty').mkdir()
    proc = run_tool([SPLIT_TOOL, str(tmp_path / 'empty'), str(tmp_path / 'out')])
    assert proc.returncode == 1
    assert 'error: no <stem>.jpg with a <stem>.xml found' in proc.stderr and 'Traceback' not in proc.stderr
    assert not (tmp_path / 'out').exists()
    # a VOC folder whose Annotations/ is empty: the same message
    os.makedirs(tmp_path / 'voc' / 'Annotations')
    with pytest.raises(SystemExit, match='no <stem>.jpg with a <stem>.xml found'):
        _split_tool()([str(tmp_path / 'voc'), str(tmp_path / 'out')])


def test_missing_split_file_names_the_split_tool(tmp_path, logs):
    _devkit(tmp_path, {'a': dict()})
    with pytest.raises(FileNotFoundError, match='make_voc_splits.py') as err:
        _voc(tmp_path, ann_file='ImageSets/Main/test.txt')
    assert osp.join(str(tmp_path), 'ImageSets/Main/test.txt') in str(err.value)


# ---------------------------------------------------------------------------------- 6. missing classes
@pytest.mark.parametrize('metainfo', [dict(classes=()), dict(classes=None), dict(classes=[])])
def test_voc_without_class_names_says_set_metainfo(tmp_path, logs, metainfo):
    _devkit(tmp_path, {'a': dict()})
    with pytest.raises(ValueError, match=r'metainfo=dict\(classes='):
        _voc(tmp_path, classes=None, metainfo=metainfo)


def test_voc_without_metainfo_means_the_20_voc_classes(tmp_path, logs):
    """configs/voc rely on this; any other class list must be given."""
    _devkit(tmp_path, {'a': dict(objects=[('dog', (5, 6, 30, 32))])})
    ds = _voc(tmp_path, classes=None)
    assert len(ds.metainfo['classes']) == 20 and ds[0]['instances'][0]['bbox_label'] == 11
    assert not logs


@pytest.mark.parametrize('metainfo', [None, dict(), dict(classes=())])
def test_ade_without_class_names_says_set_metainfo(tmp_path, metainfo):
    _ade_tree(tmp_path)
    init_default_scope('mmseg')
    cfg = _ade_cfg(tmp_path)
    cfg['metainfo'] = metainfo
    with pytest.raises(ValueError, match=r'metainfo=dict\(classes='):
        DATASETS.build(cfg)


# ---------------------------------------------------------------------------------------------- 7. ADE
def _ade_tree(root, n=3, values=(0, 1, 2, 255)):
    """``root/images/training/*.jpg`` and ``root/annotations/training/*.png`` whose maps hold ``values``."""
    os.makedirs(osp.join(root, 'images', 'training'), exist_ok=True)
    os.makedirs(osp.join(root, 'annotations', 'training'), exist_ok=True)
    for i in range(n):
        seg = np.zeros((16, 20), np.uint8)
        for k, v in enumerate(values):
            seg[:, k * 4:(k + 1) * 4] = v
        Image.fromarray(_image(20, 16, seed=i)).save(osp.join(root, 'images', 'training', f'x{i}.jpg'))
        Image.fromarray(seg).save(osp.join(root, 'annotations', 'training', f'x{i}.png'))
    return str(root)


def _ade_cfg(root, check=True, **kw):
    pipeline = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations', reduce_zero_label=True)]
    if check:
        pipeline.append(dict(type='tricks_mm.CheckSegLabels', num_classes=2))
    cfg = dict(type='tricks_mm.ADE20KLayoutDataset', data_root=str(root), metainfo=dict(classes=('road', 'tree')),
               data_prefix=dict(img_path='images/training', seg_map_path='annotations/training'),
               pipeline=pipeline)
    cfg.update(kw)
    return cfg


def test_ade_layout_with_own_classes_and_reduce_zero_label(tmp_path):
    init_default_scope('mmseg')
    _ade_tree(tmp_path)
    ds = DATASETS.build(_ade_cfg(tmp_path))
    assert len(ds) == 3 and ds.metainfo['classes'] == ('road', 'tree') and ds.reduce_zero_label
    sample = ds[0]
    assert sample['img'].shape == (16, 20, 3)
    seg = sample['gt_seg_map']
    # 0 (other) -> 255 ignore, 1 -> road 0, 2 -> tree 1, 255 stays ignore
    assert (seg[:, :4] == 255).all() and (seg[:, 4:8] == 0).all() and (seg[:, 8:12] == 1).all()
    assert (seg[:, 12:16] == 255).all()
    assert sample['seg_map_path'].endswith('x0.png')


def test_ade_empty_or_missing_images_folder(tmp_path):
    init_default_scope('mmseg')
    os.makedirs(tmp_path / 'images' / 'training')
    os.makedirs(tmp_path / 'annotations' / 'training')
    Image.fromarray(_image()).save(tmp_path / 'images' / 'training' / 'x.png')  # wrong suffix: not counted
    with pytest.raises(FileNotFoundError, match=r'no image with suffix \.jpg found under .*images/training'):
        DATASETS.build(_ade_cfg(tmp_path))
    with pytest.raises(FileNotFoundError, match='images/validation'):
        DATASETS.build(_ade_cfg(tmp_path, data_prefix=dict(img_path='images/validation',
                                                           seg_map_path='annotations/validation')))


def test_check_seg_labels_names_file_and_bad_values(tmp_path):
    init_default_scope('mmseg')
    bad = _ade_tree(tmp_path / 'bad', n=1, values=(0, 1, 2, 3, 7))  # 3 and 7 -> 2 and 6 after reduction
    ds = DATASETS.build(_ade_cfg(bad))
    with pytest.raises(ValueError) as err:
        ds[0]
    msg = str(err.value)
    assert 'x0.png' in msg and 'label values [2, 6]' in msg and 'outside the 2 classes' in msg
    # the transform alone: class indices and ignore pass, and results are returned unchanged
    check = TRANSFORMS.build(dict(type='tricks_mm.CheckSegLabels', num_classes=2))
    ok = dict(gt_seg_map=np.array([[0, 1], [255, 1]], np.uint8), seg_map_path='ok.png')
    assert check(dict(ok)) is not None and (check(dict(ok))['gt_seg_map'] == ok['gt_seg_map']).all()
    with pytest.raises(ValueError, match=r'm\.png: label values \[2, 254\]'):
        check(dict(gt_seg_map=np.array([[0, 2], [254, 255]], np.uint8), seg_map_path='m.png'))
    custom = TRANSFORMS.build(dict(type='tricks_mm.CheckSegLabels', num_classes=2, ignore_index=200))
    with pytest.raises(ValueError, match=r'\[255\]'):
        custom(dict(gt_seg_map=np.array([[0, 255]]), seg_map_path='c.png'))
    assert custom(dict(gt_seg_map=np.array([[1, 200]]), seg_map_path='c.png'))
