"""Clear errors (issue 12, item 5): each bad input names the file or the config key and the fix,
instead of a raw library error or silence."""
import os
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import tricks_mm  # noqa: F401  (installs the safe loader and the atomic writer)
from conftest import REPO, assert_ok, run_tool
from tricks_mm.apis.cli import ScheduleError, check_schedule
from tricks_mm.checkpoint import safe_torch_load
from tricks_mm.checkpoint.atomic_save import AtomicLocalBackend
from tricks_mm.checkpoint.config_meta import backbone_differences, backbone_from_config_text
from tricks_mm.checkpoint.safe_load import CheckpointReadError, UnsafeCheckpointError
from tricks_mm.registry import DATASETS

CLS = 'configs/smoke/resnet18-d_synthetic-cls_smoke.py'
DET = 'configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py'


class Payload:
    def __reduce__(self):
        return (os.getcwd, ())


# ------------------------------------------------------------------------------------------ checkpoints
@pytest.fixture
def good_checkpoint(tmp_path):
    path = str(tmp_path / 'good.pth')
    torch.save({'state_dict': {'w': torch.arange(1000.)}, 'meta': {'iter': 2}}, path)
    return path


@pytest.mark.parametrize('damage, reason', [
    ('empty', 'empty (0 bytes)'),
    ('truncated', 'truncated or damaged'),
    ('garbage', 'not a PyTorch checkpoint'),
])
def test_unreadable_checkpoint_names_the_file_and_what_to_do(good_checkpoint, damage, reason):
    with open(good_checkpoint, 'rb') as f:
        data = f.read()
    with open(good_checkpoint, 'wb') as f:
        f.write({'empty': b'', 'truncated': data[:len(data) // 2], 'garbage': b'<html>404</html>'}[damage])
    with pytest.raises(CheckpointReadError) as err:
        safe_torch_load(good_checkpoint)
    text = str(err.value)
    assert good_checkpoint in text and reason in text and 'earlier checkpoint' in text
    assert 'weights_only=False' not in text


def test_legacy_format_unsafe_pickle_is_refused_without_weights_only_false_advice(tmp_path):
    path = str(tmp_path / 'legacy.pth')
    torch.save({'x': Payload()}, path, _use_new_zipfile_serialization=False)
    with pytest.raises(UnsafeCheckpointError) as err:
        safe_torch_load(path)
    text = str(err.value)
    assert path in text and 'nothing was run' in text
    assert 'weights_only=False' not in text and 'weights_only` set to `False' not in text


# ------------------------------------------------------------------------------------- atomic writes
def _dead_pid():
    proc = subprocess.Popen([sys.executable, '-c', 'pass'])
    proc.wait()
    return proc.pid


def test_leftover_temporary_checkpoint_is_removed_at_the_next_save(tmp_path):
    stale = tmp_path / f'.iter_4.pth.{_dead_pid()}.k2j3h4.tmp'  # a save killed by kill -9
    stale.write_bytes(b'x' * 100)
    live = tmp_path / f'.iter_4.pth.{os.getppid()}.abcdef.tmp'  # a writer that still runs: kept
    live.write_bytes(b'y')
    AtomicLocalBackend().put(b'checkpoint', str(tmp_path / 'iter_6.pth'))
    assert not stale.exists() and live.exists()
    assert (tmp_path / 'iter_6.pth').read_bytes() == b'checkpoint'
    assert [f for f in os.listdir(tmp_path) if f.endswith('.tmp')] == [live.name]


def test_checkpoint_file_mode_is_like_torch_save(tmp_path):
    old = os.umask(0o022)
    try:
        AtomicLocalBackend().put(b'c', str(tmp_path / 'a.pth'))
        torch.save({}, str(tmp_path / 'b.pth'))
    finally:
        os.umask(old)
    assert oct(os.stat(tmp_path / 'a.pth').st_mode & 0o777) == oct(os.stat(tmp_path / 'b.pth').st_mode & 0o777) \
        == '0o644'


# ---------------------------------------------------------------------------------------- schedules
@pytest.mark.parametrize('change, message', [
    (dict(train_cfg=dict(max_iters=0)), 'train_cfg.max_iters=0: must be a positive number'),
    (dict(train_cfg=dict(max_epochs=0, type='EpochBasedTrainLoop')), 'train_cfg.max_epochs=0'),
    (dict(train_cfg=dict(val_interval=0)), 'train_cfg.val_interval=0'),
    (dict(param_scheduler=[dict(type='LinearLR', begin=5, end=5)]), 'param_scheduler[0] (LinearLR): end=5 is not'),
])
def test_impossible_schedules_name_the_config_key(change, message):
    cfg = Config.fromfile(osp.join(REPO, CLS))
    cfg.merge_from_dict(change)
    with pytest.raises(ScheduleError) as err:
        check_schedule(cfg)
    assert message in str(err.value)


def test_cli_schedule_and_cfg_options_syntax(tmp_path):
    proc = run_tool(['tools/train.py', CLS, '--work-dir', str(tmp_path), '--cfg-options', 'train_cfg.max_iters=0'])
    assert proc.returncode != 0 and 'ScheduleError: train_cfg.max_iters=0' in proc.stderr
    assert 'Traceback' not in proc.stderr
    proc = run_tool(['tools/train.py', CLS, '--cfg-options', 'model.backbone.depth'])
    assert proc.returncode == 2 and "'model.backbone.depth': each option must be KEY=VALUE" in proc.stderr
    assert 'not enough values to unpack' not in proc.stderr


# -------------------------------------------------------------------- checkpoints that do not fit
@pytest.fixture(scope='module')
def variant_b_run(synthetic_root, tmp_path_factory):
    """The smoke classifier trained 2 iterations as ResNet-18-B (same tensors as A)."""
    work = str(tmp_path_factory.mktemp('cls_b'))
    assert_ok(run_tool(['tools/train.py', CLS, '--work-dir', work, '--cfg-options', 'model.backbone.variant=B',
                        'train_cfg.max_iters=2', 'train_cfg.val_interval=2'], {'DATA_ROOT': synthetic_root}))
    return work


def test_resume_with_a_missing_key_is_refused_like_test(variant_b_run, synthetic_root, tmp_path):
    ckpt = torch.load(osp.join(variant_b_run, 'iter_2.pth'), map_location='cpu', weights_only=False)
    del ckpt['state_dict']['backbone.layer1.0.conv1.weight']
    path = str(tmp_path / 'missing_key.pth')
    torch.save(ckpt, path)
    proc = run_tool(['tools/train.py', CLS, '--work-dir', str(tmp_path / 'w'), '--resume', path, '--cfg-options',
                     'model.backbone.variant=B', 'train_cfg.max_iters=4'], {'DATA_ROOT': synthetic_root})
    assert proc.returncode != 0
    assert 'CheckpointMismatchError' in proc.stderr and path in proc.stderr
    assert 'backbone.layer1.0.conv1.weight' in proc.stderr and 'load_from' in proc.stderr


def test_variant_differing_from_the_checkpoints_own_config_is_refused(variant_b_run, synthetic_root, tmp_path):
    ckpt = osp.join(variant_b_run, 'iter_2.pth')
    proc = run_tool(['tools/test.py', CLS, ckpt, '--work-dir', str(tmp_path), '--cfg-options',
                     'model.backbone.variant=A'], {'DATA_ROOT': synthetic_root})
    assert proc.returncode != 0
    assert "model.backbone.variant: checkpoint 'B', config 'A'" in proc.stderr and '--partial' in proc.stderr
    assert_ok(run_tool(['tools/test.py', CLS, ckpt, '--work-dir', str(tmp_path), '--cfg-options',
                        'model.backbone.variant=B'], {'DATA_ROOT': synthetic_root}))


def test_backbone_init_from_a_classifier_of_another_variant_is_refused(variant_b_run, synthetic_root, tmp_path):
    """A ResNet-18-B classifier fits a ResNet-18-A detector backbone tensor for tensor; its config says B."""
    ckpt = osp.join(variant_b_run, 'iter_2.pth')
    proc = run_tool(['tools/train.py', DET, '--work-dir', str(tmp_path), '--cfg-options', 'model.backbone.variant=A',
                     'model.backbone.init_cfg.type=Pretrained', f'model.backbone.init_cfg.checkpoint={ckpt}',
                     'model.backbone.init_cfg.prefix=backbone.'], {'DATA_ROOT': synthetic_root})
    assert proc.returncode != 0 and 'CheckpointMismatchError' in proc.stderr
    assert f'model.backbone.init_cfg.checkpoint={ckpt}' in proc.stderr
    assert "model.backbone.variant: checkpoint 'B', config 'A'" in proc.stderr
    assert not any(f.endswith('.pth') for f in os.listdir(tmp_path))


def test_checkpoint_config_text_is_parsed_not_run(tmp_path):
    marker = tmp_path / 'ran'
    text = (f"open({str(marker)!r}, 'w').close()\n"
            "model = dict(type='ImageClassifier', backbone=dict(type='tricks_mm.TricksResNet', depth=50, "
            "variant='B', init_cfg=dict(type='Pretrained', checkpoint='x.pth')), head=dict(num_classes=4))\n")
    assert backbone_from_config_text(text) == dict(type='tricks_mm.TricksResNet', depth=50, variant='B')
    assert not marker.exists()
    diffs = backbone_differences({'meta': {'cfg': text}}, dict(backbone=dict(type='TricksResNet', depth=50,
                                                                              variant='A')))
    assert diffs == ["model.backbone.variant: checkpoint 'B', config 'A'"]


# ---------------------------------------------------------------------------------------- metrics
def test_voc_metric_labels_per_class_ap_with_the_config_classes(monkeypatch):
    import mmdet.evaluation.metrics.voc_metric as voc_metric
    from mmdet.datasets import VOCDataset

    from tricks_mm.datasets.voc import VOCMetric
    seen = {}

    def spy(*args, **kwargs):
        seen['dataset'] = kwargs['dataset']
        return 0.5, []

    monkeypatch.setattr(voc_metric, 'eval_map', spy)
    metric = VOCMetric()
    gt = dict(bboxes=np.zeros((1, 4), np.float32), labels=np.zeros(1, np.int64),
              bboxes_ignore=np.zeros((0, 4), np.float32), labels_ignore=np.zeros(0, np.int64))
    results = [(gt, [np.zeros((0, 5), np.float32)] * 3)]
    metric.dataset_meta = dict(classes=('circle', 'square', 'triangle'), dataset_type='VOC2007')
    assert metric.compute_metrics(results)['mAP'] == 0.5
    assert tuple(seen['dataset']) == ('circle', 'square', 'triangle')
    assert metric.dataset_meta['dataset_type'] == 'VOC2007'  # restored
    metric.dataset_meta = dict(classes=VOCDataset.METAINFO['classes'], dataset_type='VOC2007')
    metric.compute_metrics(results)
    assert seen['dataset'] == 'voc'  # the real VOC classes keep mmdet's behaviour


# ------------------------------------------------------------------------------------------- data
def test_malformed_xml_in_voc_layout_dataset_names_the_file(tmp_path):
    init_default_scope('mmdet')
    for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
        os.makedirs(tmp_path / sub)
    from PIL import Image
    Image.new('RGB', (32, 32)).save(tmp_path / 'JPEGImages' / 'a.jpg')
    (tmp_path / 'Annotations' / 'a.xml').write_text('<annotation><object>')
    (tmp_path / 'ImageSets/Main/trainval.txt').write_text('a\n')
    with pytest.raises(ValueError) as err:
        DATASETS.build(dict(type='tricks_mm.VOCLayoutDataset', data_root=str(tmp_path), pipeline=[],
                            ann_file='ImageSets/Main/trainval.txt', data_prefix=dict(sub_data_root=''),
                            metainfo=dict(classes=('cat', ))))
    assert str(tmp_path / 'Annotations' / 'a.xml') in str(err.value) and 'malformed XML' in str(err.value)
