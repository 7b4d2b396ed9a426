"""Every transfer config (configs/voc, configs/ade20k, configs/small) builds on a fake data root.

The data root holds tiny synthetic trees in each layout the configs read (VOC devkit, ADEChallengeData2016,
BCCD, fruit, CamVid-in-ADE-layout, ADE20K sample) with the class names each config uses. For each config
the model, the dataloaders (one batch through the data preprocessor), the optimizer wrapper and the
parameter schedulers are built; the classifier checkpoints are never loaded (no ``init_weights``).
The row configs of Tables 8 and 9 must initialise their backbone from the matching ImageNet classifier
(configs/_base_/classifier_checkpoints.py -> configs/imagenet/<name>.py, its variant, depth and epochs).
"""
import glob
import os
import os.path as osp
import re
import shutil

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODELS, PARAM_SCHEDULERS, init_default_scope
from mmengine.runner import Runner

import tricks_mm  # noqa: F401
from conftest import REPO
from tricks_mm.datasets.synthetic import make_ade20k, make_voc_devkit

VOC = sorted(glob.glob(osp.join(REPO, 'configs/voc/*.py')))
ADE = sorted(glob.glob(osp.join(REPO, 'configs/ade20k/*.py')))
SMALL = sorted(glob.glob(osp.join(REPO, 'configs/small/*.py')))
CLS_ROOT = '/nonexistent/classifiers'

VOC_CLASSES = ('person', 'car', 'dog')  # three of the 20 VOC classes stand in for the three shapes
ROWS = ('b-standard', 'd-efficient', 'd-cos', 'd-cos-ls', 'd-cos-ls-kd', 'd-cos-ls-mixup', 'd-cos-ls-mixup-kd')


def _rename_objects(ann_dir, names):
    """Replace the synthetic shape names in VOC XML files by the class names a config expects."""
    for f in glob.glob(osp.join(ann_dir, '*.xml')):
        text = open(f).read()
        for shape, name in zip(('circle', 'square', 'triangle'), names):
            text = text.replace(f'<name>{shape}</name>', f'<name>{name}</name>')
        with open(f, 'w') as out:
            out.write(text)


@pytest.fixture(scope='module')
def fake_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('transfer_data'))
    tmp = str(tmp_path_factory.mktemp('transfer_scratch'))
    # Pascal VOC 07+12 (configs/voc): DATA_ROOT/VOCdevkit/VOC{2007,2012}
    make_voc_devkit(root, splits={('2007', 'trainval'): 4, ('2007', 'test'): 2, ('2012', 'trainval'): 4})
    for year in ('2007', '2012'):
        _rename_objects(osp.join(root, 'VOCdevkit', f'VOC{year}', 'Annotations'), VOC_CLASSES)
    # ADE20K (configs/ade20k): DATA_ROOT/ade/ADEChallengeData2016
    make_ade20k(osp.join(root, 'ade'), splits={'training': 4, 'validation': 2})
    # BCCD (exact VOC layout without the devkit level): DATA_ROOT/bccd/{JPEGImages,Annotations,ImageSets}
    make_voc_devkit(osp.join(tmp, 'bccd'), splits={('2007', 'trainval'): 4, ('2007', 'test'): 2})
    shutil.move(osp.join(tmp, 'bccd', 'VOCdevkit', 'VOC2007'), osp.join(root, 'bccd'))
    _rename_objects(osp.join(root, 'bccd', 'Annotations'), ('RBC', 'WBC', 'Platelets'))
    # fruit: DATA_ROOT/fruit/{train,test}/<stem>.{jpg,xml} side by side, no split lists
    make_voc_devkit(osp.join(tmp, 'fruit'), splits={('2007', 'trainval'): 4, ('2012', 'trainval'): 2})
    for year, split in (('2007', 'train'), ('2012', 'test')):
        src = osp.join(tmp, 'fruit', 'VOCdevkit', f'VOC{year}')
        dst = osp.join(root, 'fruit', split)
        os.makedirs(dst)
        for sub in ('JPEGImages', 'Annotations'):
            for f in os.listdir(osp.join(src, sub)):
                shutil.move(osp.join(src, sub, f), dst)
        _rename_objects(dst, ('apple', 'banana', 'orange'))
    # CamVid and the ADE20K sample in ADE layout: DATA_ROOT/{camvid-ade,ade20k-sample}/{images,annotations}
    for name in ('camvid-ade', 'ade20k-sample'):
        make_ade20k(osp.join(tmp, name), splits={'training': 4, 'validation': 2})
        shutil.move(osp.join(tmp, name, 'ADEChallengeData2016'), osp.join(root, name))
    return root


def _load(config, fake_root, monkeypatch, tmp_path):
    monkeypatch.setenv('DATA_ROOT', fake_root)
    monkeypatch.setenv('CLASSIFIER_ROOT', CLS_ROOT)
    monkeypatch.chdir(REPO)
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp_path)
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[name].num_workers = 0
        cfg[name].persistent_workers = False
    return cfg


_ckpts = []


def _checkpoints(monkeypatch):
    if not _ckpts:
        monkeypatch.setenv('CLASSIFIER_ROOT', CLS_ROOT)
        _ckpts.append(Config.fromfile(osp.join(REPO, 'configs/_base_/classifier_checkpoints.py')))
    return _ckpts[0]


def _row(config):
    """The Table 8/9 row a config's name says."""
    name = osp.basename(config)
    m = re.match(r'faster-rcnn_r50-(.+)_(?:fpn|c4)_8xb2-18e_voc0712\.py$', name) or \
        re.match(r'fcn_r50-(.+)-d8_4xb4-80k_ade20k-512x512\.py$', name)
    assert m, f'unexpected config name {name}'
    return m.group(1)


def _build_and_check(cfg, splits=('train', 'val', 'test')):
    """Build what a run builds, piece by piece as the Runner does (the Runner itself spends seconds
    pretty-printing the config), but never load the pretrained weights (no ``init_weights``)."""
    init_default_scope(cfg.default_scope)
    model = MODELS.build(cfg.model)
    assert type(model.backbone).__name__ == 'TricksResNet'
    batches = {}
    for split in splits:
        if split == 'test' and cfg.test_dataloader == cfg.val_dataloader:
            continue
        loader = Runner.build_dataloader(cfg[f'{split}_dataloader'], seed=0)
        assert len(loader.dataset) > 0, split
        batch = next(iter(loader))
        data = model.data_preprocessor(batch, training=split == 'train')
        assert data['inputs'].dtype == torch.float32 and data['inputs'].shape[1] == 3
        assert len(data['data_samples']) == data['inputs'].shape[0]
        batches[split] = (loader, data)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    schedulers = [PARAM_SCHEDULERS.build(dict(s), default_args=dict(optimizer=optim))
                  for s in cfg.param_scheduler]
    assert schedulers and all(s.optimizer is optim for s in schedulers)
    base = cfg.optim_wrapper.optimizer.lr
    warmup = [s for s in cfg.param_scheduler if s.type == 'LinearLR']
    lr = optim.optimizer.param_groups[0]['lr']
    assert lr == pytest.approx(base * warmup[0].start_factor if warmup else base)
    return model, batches


def _imagenet_source(checkpoint, root, folder):
    """``<root>/<config stem>/epoch_<n>.pth`` -> (config path, n)."""
    m = re.fullmatch(re.escape(root) + r'/([^/]+)/epoch_(\d+)\.pth', checkpoint)
    assert m, checkpoint
    path = osp.join(REPO, 'configs', folder, m.group(1) + '.py')
    assert osp.isfile(path), f'{checkpoint} names a config that does not exist: {path}'
    return path, int(m.group(2))


_classifier_configs = {}


def _classifier_config(path):
    """Each classifier config once (a VOC and an ADE row share it)."""
    if path not in _classifier_configs:
        _classifier_configs[path] = Config.fromfile(path)
    return _classifier_configs[path]


def _check_row_checkpoint(cfg, row, monkeypatch):
    """The backbone loads the classifier of its row: same variant, depth 50, the config's last epoch."""
    ckpts = _checkpoints(monkeypatch)
    backbone = cfg.model.backbone
    assert backbone.depth == 50
    key = 'cls_' + row.replace('-', '_')
    assert backbone.init_cfg.type == 'Pretrained' and backbone.init_cfg.prefix == 'backbone.'
    assert backbone.init_cfg.checkpoint == ckpts[key]
    variant = 'B' if row == 'b-standard' else 'D'
    assert backbone.variant == variant
    path, epoch = _imagenet_source(backbone.init_cfg.checkpoint, CLS_ROOT, 'imagenet')
    cls_cfg = _classifier_config(path)
    assert cls_cfg.model.backbone.variant == variant and cls_cfg.model.backbone.depth == 50
    assert cls_cfg.train_cfg.max_epochs == epoch
    # the ImageNet config's name carries exactly the row's tricks
    tokens = set(re.split(r'[-_]', osp.basename(path)[:-3]))
    tricks = {'cos', 'ls', 'mixup', 'kd'}
    assert tokens & tricks == set(row.split('-')) & tricks
    assert ('efficient' in tokens) == (row != 'b-standard') and ('step' in tokens) == (row == 'b-standard')
    if 'kd' in tokens:
        assert cls_cfg.model.type == 'tricks_mm.DistillImageClassifier'


def test_every_row_has_a_config():
    """Table 8 in mmdet's FPN form and in the paper's C4 form, Table 9 once."""
    assert sorted(_row(c) for c in VOC if '_fpn_' in c) == sorted(ROWS)
    assert sorted(_row(c) for c in VOC if '_c4_' in c) == sorted(ROWS)
    assert len(VOC) == 2 * len(ROWS)
    assert sorted(map(_row, ADE)) == sorted(ROWS)


@pytest.mark.parametrize('config', VOC, ids=[osp.basename(c) for c in VOC])
def test_voc_config_builds(config, fake_root, monkeypatch, tmp_path):
    cfg = _load(config, fake_root, monkeypatch, tmp_path)
    _check_row_checkpoint(cfg, _row(config), monkeypatch)
    # Section 6.1: Faster R-CNN (mmdet's FPN form or the paper's C4 form), VOC 2007+2012 trainval -> VOC 2007
    # test, 11-point mAP
    assert cfg.model.type == 'FasterRCNN'
    if '_c4_' in config:  # stage 4 is the RoI head, loaded strictly from the same classifier checkpoint
        assert cfg.model.get('neck') is None
        shared = cfg.model.roi_head.shared_head
        assert shared.init_cfg.checkpoint == cfg.model.backbone.init_cfg.checkpoint
        assert (shared.variant, shared.depth) == (cfg.model.backbone.variant, 50)
    else:
        assert cfg.model.neck.type == 'FPN'
    assert cfg.model.roi_head.bbox_head.num_classes == 20
    train = cfg.train_dataloader.dataset
    assert train.type == 'RepeatDataset' and train.dataset.type == 'ConcatDataset'
    assert [(d.type, d.ann_file, d.data_prefix.sub_data_root) for d in train.dataset.datasets] == [
        ('tricks_mm.VOCLayoutDataset', 'VOC2007/ImageSets/Main/trainval.txt', 'VOC2007/'),
        ('tricks_mm.VOCLayoutDataset', 'VOC2012/ImageSets/Main/trainval.txt', 'VOC2012/')]
    assert train.times * cfg.train_cfg.max_epochs == 18  # "18e": 18 passes over VOC07+12
    for split in ('val', 'test'):
        ds = cfg[f'{split}_dataloader'].dataset
        assert (ds.type, ds.ann_file, ds.data_prefix.sub_data_root, ds.test_mode) == \
            ('tricks_mm.VOCLayoutDataset', 'VOC2007/ImageSets/Main/test.txt', 'VOC2007/', True)
        evaluator = cfg[f'{split}_evaluator']
        assert (evaluator.type, evaluator.metric, evaluator.eval_mode) == ('VOCMetric', 'mAP', '11points')
    model, batches = _build_and_check(cfg)
    train_set = batches['train'][0].dataset
    assert len(train_set) == 3 * (4 + 4)
    assert train_set.metainfo['classes'][:3] == ('aeroplane', 'bicycle', 'bird')
    assert len(batches['val'][0].dataset) == 2 and 'test' not in batches  # test = val: VOC2007 test


@pytest.mark.parametrize('config', ADE, ids=[osp.basename(c) for c in ADE])
def test_ade20k_config_builds(config, fake_root, monkeypatch, tmp_path):
    cfg = _load(config, fake_root, monkeypatch, tmp_path)
    _check_row_checkpoint(cfg, _row(config), monkeypatch)
    # Section 6.2: FCN on a dilated (D8) backbone with an auxiliary head, 512x512 crops, ADE20K 150 classes
    backbone = cfg.model.backbone
    assert tuple(backbone.strides) == (1, 2, 1, 1) and tuple(backbone.dilations) == (1, 1, 2, 4)
    assert cfg.model.decode_head.type == 'FCNHead' and cfg.model.decode_head.num_classes == 150
    assert cfg.model.auxiliary_head.type == 'FCNHead' and cfg.model.auxiliary_head.num_classes == 150
    assert cfg.model.auxiliary_head.in_index == 2 and cfg.model.decode_head.in_index == 3
    assert tuple(cfg.crop_size) == (512, 512) and tuple(cfg.model.data_preprocessor.size) == (512, 512)
    crop = [t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'RandomCrop']
    assert len(crop) == 1 and tuple(crop[0].crop_size) == (512, 512)
    assert cfg.train_cfg.max_iters == 80000
    assert cfg.auto_scale_lr.base_batch_size == 16  # 4 GPUs x 4: --auto-scale-lr keeps lr per image
    for split in ('val', 'test'):
        assert cfg[f'{split}_evaluator'].type == 'IoUMetric' and \
            'mIoU' in cfg[f'{split}_evaluator'].iou_metrics
    assert cfg.val_dataloader.dataset.data_prefix.img_path == 'images/validation'
    model, batches = _build_and_check(cfg)
    assert batches['train'][1]['inputs'].shape[-2:] == (512, 512)
    assert batches['val'][0].dataset.metainfo['classes'][:2] == ('wall', 'building')
    assert len(batches['train'][0].dataset) == 4 and len(batches['val'][0].dataset) == 2


def test_iou_metric_reports_miou_and_pixel_accuracy():
    """The ADE configs ask IoUMetric for mIoU only; pixel accuracy (aAcc) comes with it."""
    from mmseg.registry import METRICS
    from mmseg.structures import SegDataSample
    from mmengine.structures import PixelData
    init_default_scope('mmseg')
    cfg = Config.fromfile(osp.join(REPO, 'configs/ade20k/fcn_r50-d-cos-d8_4xb4-80k_ade20k-512x512.py'))
    metric = METRICS.build(cfg.val_evaluator)
    metric.dataset_meta = dict(classes=('a', 'b'))
    gt = torch.tensor([[[0, 0, 1, 1]]])
    pred = torch.tensor([[[0, 1, 1, 1]]])
    sample = SegDataSample(gt_sem_seg=PixelData(data=gt), pred_sem_seg=PixelData(data=pred))
    metric.process([], [sample.to_dict()])
    result = metric.compute_metrics(metric.results)
    assert result['aAcc'] == pytest.approx(75.0) and result['mIoU'] == pytest.approx((50 + 200 / 3) / 2, abs=0.01)


SMALL_EXPECT = {
    # data set in the config name: (dataset classes (None: ADE20K's 150), head classes)
    'bccd': (('RBC', 'WBC', 'Platelets'), 3),
    'fruit': (('apple', 'banana', 'orange'), 3),
    'camvid': (('Sky', 'Building', 'Pole', 'Road', 'Pavement', 'Tree', 'SignSymbol', 'Fence', 'Car', 'Pedestrian',
                'Bicyclist'), 11),
    'ade20k-sample': (None, 150),
}


def _small_row(name):
    """(data set, row) of a configs/small name: faster-rcnn_r18-<row>_fpn_1xb2-2e_bccd.py,
    faster-rcnn_r18-<row>_fpn_1xb2-4e_fruit.py, fcn_r18-<row>-d8_1xb4-400i_camvid-192x192.py,
    fcn_r18-<row>-d8_1xb4-400i_ade20k-sample.py."""
    m = re.match(r'faster-rcnn_r18-(.+)_fpn_1xb2-(?:2e_(bccd)|4e_(fruit))\.py$', name) or \
        re.match(r'fcn_r18-(.+)-d8_1xb4-400i_(camvid|ade20k-sample)(?:-192x192)?\.py$', name)
    assert m, f'unexpected config name {name}'
    return next(g for g in m.groups()[1:] if g), m.group(1)


def test_small_rows_have_their_own_configs():
    """Each Imagenette classifier of the small-scale chain has its BCCD, fruit and CamVid config."""
    rows = {}
    for config in SMALL:
        data, row = _small_row(osp.basename(config))
        rows.setdefault(data, set()).add(row)
    chain = {'b-standard', 'd-efficient', 'd-cos-ls', 'd-cos-ls-mixup'}  # the protocol's four classifiers
    fruit = {'b-standard', 'd-cos-ls', 'd-cos-ls-mixup'}  # kept buildable, not in the protocol
    assert rows == {'bccd': chain, 'fruit': fruit, 'camvid': chain, 'ade20k-sample': {'d-cos-ls'}}


@pytest.mark.parametrize('config', [c for c in SMALL if '_bccd' in c or '_camvid' in c],
                         ids=lambda c: osp.basename(c))
def test_small_protocol_schedules(config, monkeypatch):
    """docs/small_scale_reproduction.md: BCCD 2 epochs of 146 iterations, warmup 100 iterations, lr /10 for the
    last 50 (iteration 242), the fast CPU RoI extractor; CamVid 400 iterations, warmup 50, poly; a checkpoint
    at the end of each."""
    cfg = _load(config, '/nonexistent/data', monkeypatch, '/nonexistent/work_dir')
    warmup, decay = cfg.param_scheduler
    assert cfg.optim_wrapper.optimizer.lr == 0.01
    assert (warmup.type, warmup.by_epoch, warmup.end) == ('LinearLR', False, 100 if '_bccd' in config else 50)
    if '_bccd' in config:
        assert (cfg.train_cfg.max_epochs, cfg.train_dataloader.batch_size) == (2, 2)
        assert (decay.type, decay.by_epoch, list(decay.milestones)) == ('MultiStepLR', False, [2 * 146 - 50])
        assert cfg.model.roi_head.bbox_roi_extractor.type == 'tricks_mm.SingleRoIExtractor'
        assert [t.scale for t in cfg.train_dataloader.dataset.pipeline if t.type == 'Resize'] == [(384, 288)]
        hook = cfg.default_hooks.checkpoint
        assert cfg.train_cfg.max_epochs % hook.interval == 0  # a checkpoint at the end
    else:
        assert (cfg.train_cfg.max_iters, cfg.train_dataloader.batch_size) == (400, 4)
        assert (decay.type, decay.begin, decay.end) == ('PolyLR', 50, 400)
        assert cfg.default_hooks.checkpoint.interval == 400 and cfg.train_cfg.val_interval == 400


@pytest.mark.parametrize('config', SMALL, ids=[osp.basename(c) for c in SMALL])
def test_small_config_builds(config, fake_root, monkeypatch, tmp_path):
    name = osp.basename(config)
    data, row = _small_row(name)
    classes, num_classes = SMALL_EXPECT[data]
    cfg = _load(config, fake_root, monkeypatch, tmp_path)
    # ResNet-18 from the Imagenette classifier of the row, its variant
    backbone = cfg.model.backbone
    variant = 'B' if row == 'b-standard' else 'D'
    assert (backbone.depth, backbone.variant) == (18, variant)
    assert backbone.init_cfg.checkpoint == _checkpoints(monkeypatch)['small_' + row.replace('-', '_')]
    path, epoch = _imagenet_source(backbone.init_cfg.checkpoint, CLS_ROOT, 'imagenette')
    cls_cfg = _classifier_config(path)
    assert (cls_cfg.model.backbone.depth, cls_cfg.model.backbone.variant) == (18, variant)
    assert cls_cfg.train_cfg.max_epochs == epoch
    det = name.startswith('faster-rcnn')
    assert cfg.auto_scale_lr.base_batch_size == cfg.train_dataloader.batch_size  # one process
    if det:
        assert cfg.model.roi_head.bbox_head.num_classes == num_classes
        assert (cfg.val_evaluator.type, cfg.val_evaluator.eval_mode) == ('VOCMetric', '11points')
        splits = ('train', 'val')
    else:
        assert cfg.model.decode_head.num_classes == cfg.model.auxiliary_head.num_classes == num_classes
        assert tuple(backbone.strides) == (1, 2, 1, 1) and tuple(backbone.dilations) == (1, 1, 2, 4)
        assert cfg.val_evaluator.type == 'IoUMetric' and 'mIoU' in cfg.val_evaluator.iou_metrics
        # the ADE20K sample is test-only (its train split is CamVid's, inherited)
        splits = ('val', 'test') if 'ade20k-sample' in name else ('train', 'val')
    model, batches = _build_and_check(cfg, splits)
    for split, (loader, _) in batches.items():
        ds = loader.dataset
        if classes is not None:
            assert ds.metainfo['classes'] == classes
        else:
            assert type(ds).__name__ == 'ADE20KDataset' and len(ds.metainfo['classes']) == 150
        assert len(ds) == (4 if split == 'train' else 2)
    if det:
        # every synthetic object got a configured class: no image lost its boxes
        data = batches['train'][1]
        assert all(len(s.gt_instances) > 0 for s in data['data_samples'])
    elif 'camvid' in name:
        assert batches['train'][1]['inputs'].shape[-2:] == (192, 192)
        steps = [t.type for t in cfg.train_dataloader.dataset.pipeline]
        assert steps.index('tricks_mm.CheckSegLabels') == steps.index('LoadAnnotations') + 1
