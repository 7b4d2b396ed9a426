"""tools/reproduce.py's runner: rows run in dependency order through tools/train.py and tools/test.py,
an interrupted row resumes from its checkpoint, finished rows are skipped, and the table and plot
tools read what it wrote."""
import json
import os.path as osp
import subprocess

import pytest

from conftest import REPO, assert_ok, run_tool
from tricks_mm.reproduce.runner import Runner, SpecError, load_spec

CLS = 'configs/smoke/resnet18-d_synthetic-cls_smoke.py'
DET = 'configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py'


def _spec(tmp_path, rows, name='spec.py', **extra):
    path = tmp_path / name
    lines = [f'{k} = {v!r}' for k, v in extra.items()] + [f'rows = {rows!r}']
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


@pytest.fixture
def tiny_spec(tmp_path, synthetic_root):
    rows = [dict(name='cls', config=CLS, paper_row='B-standard', label='R18-D smoke', seeds=[0, 1]),
            dict(name='det', config=DET, init_from='cls', cfg_options=['train_cfg.max_iters=2',
                                                                       'train_cfg.val_interval=2'])]
    return _spec(tmp_path, rows, table='tiny', work_root=str(tmp_path / 'runs'), seeds=[0],
                 env=dict(DATA_ROOT=synthetic_root), results_dir=str(tmp_path / 'committed'))


def test_resume_skip_and_tables(tiny_spec, tmp_path, synthetic_root, capfd, monkeypatch):
    spec = load_spec(tiny_spec)
    runner = Runner(spec, echo=lambda msg: print(msg, flush=True))
    cls_row = spec.rows[0]
    # An interrupted row: 2 of its 4 iterations done, a checkpoint on disk, no finished result.
    interrupted = runner.run_dir(cls_row, 0)
    assert_ok(run_tool(['tools/train.py', CLS, '--work-dir', interrupted, '--cfg-options',
                        'train_cfg.max_iters=2', 'train_cfg.val_interval=2'], {'DATA_ROOT': synthetic_root}))
    assert osp.isfile(osp.join(interrupted, 'iter_2.pth'))

    results = runner.run()
    out = capfd.readouterr().out
    # seed-major: the whole seed-0 chain (classifier, then its detector) before the seed-1 classifier
    assert 'row 1/3 cls seed 0: resuming' in out and 'row 3/3 cls seed 1: training' in out
    assert 'row 2/3 det seed 0: training' in out
    first = runner.result(cls_row, 0)
    assert first.resumed and '--resume' in first.command and first.checkpoint.endswith('iter_4.pth')
    assert not runner.result(cls_row, 1).resumed
    det = runner.result(spec.rows[1], 0)
    # the detector's backbone came from the seed-0 classifier's final checkpoint
    assert f'model.backbone.init_cfg.checkpoint={first.checkpoint}' in det.command
    for record in (first, det):
        assert record.status == 'done' and record.seed in (0, 1)
        assert record.wall_time_s > 0 and record.start <= record.end
        # the CPU and the precision are recorded with every part (a resumed row may change machine)
        assert record.cpu.count('cores') == 1 and 'oneDNN native bf16' in record.cpu
        assert record.precision in ('fp32', 'bf16', 'fp32 (bf16 wrapper; no native bf16)')
        assert all(p['precision'] == record.precision for p in record.parts if 'precision' in p)
    assert 'accuracy/top1' in first.metrics and 'pascal_voc/mAP' in det.metrics
    head = subprocess.run(['git', '-C', REPO, 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()
    if head:  # the code that ran, recorded with the run (a git checkout)
        assert first.commit.split('+')[0] == head and det.commit.split('+')[0] == head
    assert [len(r.runs) for r in results.rows] == [2, 1]
    # the committed copy: the record and the scalars of every session (the resumed row had two), compacted
    saved = tmp_path / 'committed' / 'cls' / 'seed0'
    assert json.loads((saved / 'result.json').read_text())['end'] == first.end
    lines = [json.loads(ln) for ln in (saved / 'scalars.json').read_text().splitlines()]
    assert [ln['step'] for ln in lines if 'lr' in ln] == [1, 2, 3, 4]  # iterations 1-2 logged by the first session
    assert len([ln for ln in lines if 'accuracy/top1' in ln]) == 2  # a validation after each session
    assert not any('data_time' in ln or 'memory' in ln for ln in lines)

    # a second run skips every finished row and starts no process
    monkeypatch.setattr(subprocess, 'Popen', lambda *a, **k: pytest.fail('a finished row was run again'))
    Runner(spec, echo=lambda msg: print(msg, flush=True)).run()
    assert capfd.readouterr().out.count('done before, skipped') == 3
    monkeypatch.undo()  # the table and plot tools below run as processes

    results_file = osp.join(spec.work_root, 'results.json')
    with open(results_file) as f:
        gathered = json.load(f)
    assert gathered['table'] == 'tiny'
    assert [r['seeds'] for r in gathered['rows']] == [[0, 1], [0]]  # the runs each row is meant to have
    table = run_tool(['tools/analysis/results_table.py', results_file, '--out-dir', str(tmp_path / 'table')])
    assert_ok(table)
    assert 'R18-D smoke' in table.stdout and '±' in table.stdout  # two seeds: mean ± std
    assert osp.isfile(tmp_path / 'table' / 'results_table.md')
    plots = run_tool(['tools/analysis/plot_results.py', results_file, '--out-dir', str(tmp_path / 'plots')])
    assert_ok(plots)
    assert osp.getsize(tmp_path / 'plots' / 'lr_schedules.png') > 0
    assert osp.getsize(tmp_path / 'plots' / 'val_curves.png') > 0


@pytest.mark.parametrize('rows, message', [
    ([dict(name='det', config=DET, init_from='cls')], "initialised from 'cls', which is not a row listed before"),
    ([dict(name='cls', config=CLS), dict(name='cls', config=CLS)], "row name 'cls' is used twice"),
    ([dict(name='cls', config=CLS, lr=0.1)], "unknown keys ['lr']"),
    ([dict(name='cls', config='configs/nope.py')], 'config configs/nope.py does not exist'),
    ([dict(name='a', config=DET), dict(name='b', config=DET, init_from='a')], 'a backbone comes from a classifier row'),
    ([dict(name='b', config=CLS, compare_to='a')], "compared with 'a', which is not a row listed before"),
    ([dict(name='a', config=DET), dict(name='b', config=CLS, compare_to='a')],
     'a comparison row comes from a classifier row'),
])
def test_spec_errors_say_what_is_wrong(tmp_path, rows, message):
    with pytest.raises(SpecError, match=None) as err:
        load_spec(_spec(tmp_path, rows))
    assert message in str(err.value)


def test_row_waits_for_its_classifier(tmp_path):
    spec = load_spec(_spec(tmp_path, [dict(name='cls', config=CLS), dict(name='det', config=DET, init_from='cls')],
                           work_root=str(tmp_path / 'runs')))
    with pytest.raises(RuntimeError, match=r'row cls \(seed 0\), whose checkpoint it reads, has not finished'):
        Runner(spec).run(only=['det'])


def test_reproduce_cli_rejects_bad_spec(tmp_path):
    proc = run_tool(['tools/reproduce.py', str(tmp_path / 'missing.py')])
    assert proc.returncode != 0 and 'does not exist' in proc.stderr
    assert osp.isfile(osp.join(REPO, 'configs/reproduce/demo_synthetic.py'))
    for spec in ('demo_synthetic', 'small_real', 'small_real_quick'):
        loaded = load_spec(osp.join(REPO, f'configs/reproduce/{spec}.py'))
        assert [r.task for r in loaded.rows].count('cls') >= 1


def test_torchrun_backend_two_processes(tmp_path, synthetic_root):
    """--backend torchrun --nproc 2: the row trains and tests through tools/dist_train.sh / dist_test.sh as two
    gloo processes, and its result has the metrics of a one-process row."""
    from tricks_mm.reproduce.runner import Torchrun
    spec = load_spec(_spec(tmp_path, [dict(name='cls', config=CLS, cfg_options=['train_cfg.max_iters=2',
                                                                                'train_cfg.val_interval=2'])],
                           work_root=str(tmp_path / 'runs'), env=dict(DATA_ROOT=synthetic_root)))
    runner = Runner(spec, backend=Torchrun(2), echo=lambda m: None)
    runner.run()
    record = runner.result(spec.rows[0], 0)
    assert record.status == 'done' and record.backend == 'torchrun'
    assert record.command[1].endswith('tools/dist_train.sh') and record.command[2:4] == [CLS, '2']
    assert record.test_command[1].endswith('tools/dist_test.sh') and record.test_command[4] == '2'
    assert set(record.metrics) == {'accuracy/top1'} and 0 <= record.metrics['accuracy/top1'] <= 100
    with open(osp.join(runner.run_dir(spec.rows[0], 0), 'test', 'metrics.json')) as f:
        assert json.load(f) == record.metrics
    with open(record.log) as f:
        log = f.read()
    assert 'Distributed launcher: pytorch' in log and 'GPU number: 2' in log  # mmengine: the world size


def test_c4_row_gets_the_classifier_checkpoint_in_both_slots(tmp_path):
    """A C4 transfer row (Table 8: stages 1-3 in the backbone, stage 4 in the RoI shared head) names only its
    classifier row; the runner fills both Pretrained slots with that row's checkpoint and both load strictly."""
    import torch
    from mmdet.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from tricks_mm.models.backbones.resnet import TricksResNet
    from tricks_mm.reproduce.records import Run
    from tricks_mm.utils.json_file import write_json
    from tricks_mm.utils.setup_env import register_all_modules
    c4 = 'configs/voc/faster-rcnn_r50-d-cos_c4_8xb2-18e_voc0712.py'
    spec = load_spec(_spec(tmp_path, [dict(name='cls', config=CLS), dict(name='c4', config=c4, init_from='cls')],
                           work_root=str(tmp_path / 'runs')))
    runner = Runner(spec)
    torch.manual_seed(0)
    classifier = TricksResNet(depth=50, variant='D')
    checkpoint = str(tmp_path / 'cls.pth')
    torch.save(dict(state_dict={'backbone.' + k: v for k, v in classifier.state_dict().items()}), checkpoint)
    write_json(osp.join(runner.run_dir(spec.rows[0], 0), 'result.json'),
               Run(row='cls', config=CLS, status='done', end='2026-01-01T00:00:00', checkpoint=checkpoint).to_dict())

    options, ends = runner.parent_options(spec.rows[1], 0, 'c4')
    assert f'model.roi_head.shared_head.init_cfg.checkpoint={checkpoint}' in options
    assert f'model.backbone.init_cfg.checkpoint={checkpoint}' in options and ends == {'cls/seed0': '2026-01-01T00:00:00'}
    cfg = Config.fromfile(osp.join(REPO, c4))
    cfg.merge_from_dict(dict(o.split('=', 1) for o in options))
    register_all_modules(init_default_scope=False)
    with DefaultScope.overwrite_default_scope('mmdet'):
        detector = MODELS.build(cfg.model)
    detector.init_weights()  # strict in both slots: a missing or unused tensor is an error
    head = detector.roi_head.shared_head
    assert torch.equal(getattr(head, head.layer_name)[0].conv1.weight, classifier.layer4[0].conv1.weight)
    assert torch.equal(detector.backbone.layer3[0].conv1.weight, classifier.layer3[0].conv1.weight)
