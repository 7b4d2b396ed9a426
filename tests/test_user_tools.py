"""The OpenMMLab-style tools on the synthetic sets: browse_dataset, print_config, analyze_logs (from
LocalVisBackend's scalars.json and from TensorBoard events), confusion_matrix, benchmark, slurm_test.sh;
and TensorBoard as the logging backend, read back by the project's plots."""
import glob
import json
import os
import os.path as osp
import socket
import stat

import mmcv
import numpy as np
import pytest
import torch

from conftest import REPO, assert_ok, run_tool

CLS = 'configs/smoke/resnet18-d_synthetic-cls_smoke.py'
DET = 'configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py'
SEG = 'configs/smoke/fcn_r18-d8_synthetic-ade_smoke.py'
TENSORBOARD = ['visualizer.vis_backends.0.type=TensorboardVisBackend']  # the README's switch


def _json_line(stdout, key):
    return json.loads([ln for ln in stdout.splitlines() if ln.startswith('{') and key in ln][-1])


@pytest.fixture(scope='module')
def runs(synthetic_root, tmp_path_factory):
    """The classification smoke config trained twice (4 iterations, validation at 4), seed 0: logged by
    LocalVisBackend (scalars.json) and by TensorboardVisBackend (event file)."""
    out = {}
    for name, options in (('local', []), ('tensorboard', TENSORBOARD)):
        work = str(tmp_path_factory.mktemp(name))
        cmd = ['tools/train.py', CLS, '--work-dir', work]
        assert_ok(run_tool(cmd + (['--cfg-options'] + options if options else []), {'DATA_ROOT': synthetic_root}))
        out[name] = work
    return out


@pytest.fixture
def data_env(synthetic_root, monkeypatch):
    monkeypatch.setenv('DATA_ROOT', synthetic_root)
    return {'DATA_ROOT': synthetic_root}


# ----------------------------------------------------------------------------- TensorBoard
def test_tensorboard_backend_is_read_back(runs):
    pytest.importorskip('tensorboard')
    from tricks_mm.reproduce.plots import metric_series
    from tricks_mm.reproduce.scalars import event_files, read_scalars, scalars_files
    assert event_files(runs['tensorboard']) and not scalars_files(runs['tensorboard'])
    assert scalars_files(runs['local'])
    tb, local = read_scalars(runs['tensorboard']), read_scalars(runs['local'])
    assert sorted(tb['loss']) == sorted(local['loss']) == [1, 2, 3, 4]
    # same seed, same data: the event file holds the same training curve as scalars.json
    assert [tb['loss'][s] for s in range(1, 5)] == pytest.approx([local['loss'][s] for s in range(1, 5)], rel=1e-3)
    assert tb['lr'] == pytest.approx(local['lr'])
    assert sorted(tb['time']) == sorted(local['time']) == [1, 2, 3, 4]  # training's; validation's apart
    assert sorted(tb['val/time']) == sorted(local['val/time'])
    series, expected = metric_series(runs['tensorboard'], 'accuracy/top1'), metric_series(runs['local'], 'accuracy/top1')
    assert series is not None and len(series.step) == 1 and series.by_epoch is False
    assert series.step.tolist() == expected.step.tolist()
    assert series.value.tolist() == pytest.approx(expected.value.tolist())


# ----------------------------------------------------------------------------- analyze_logs
@pytest.mark.parametrize('backend', ['local', 'tensorboard'])
def test_analyze_logs_plots_the_run(runs, backend, tmp_path):
    if backend == 'tensorboard':
        pytest.importorskip('tensorboard')
    from tricks_mm.reproduce.scalars import read_scalars
    out = str(tmp_path / 'curves.png')
    proc = run_tool(['tools/analysis_tools/analyze_logs.py', 'plot_curve', runs[backend], '--keys', 'loss', 'lr',
                     'accuracy/top1', '--out', out, '--legend', backend])
    assert_ok(proc)
    scalars = read_scalars(runs[backend])
    for key in ('loss', 'lr', 'accuracy/top1'):
        steps = sorted(scalars[key])
        assert f'{backend}: {key}: {len(steps)} points, steps {steps[0]}..{steps[-1]}' in proc.stdout
    picture = mmcv.imread(out)
    assert picture.shape[1] > picture.shape[0] * 2 and picture.std() > 10  # three panels, not blank
    proc = run_tool(['tools/analysis_tools/analyze_logs.py', 'cal_train_time', runs[backend]])
    assert_ok(proc)
    assert 'average iter time' in proc.stdout and 'over 3 logged iterations' in proc.stdout
    proc = run_tool(['tools/analysis_tools/analyze_logs.py', 'plot_curve', runs[backend], '--keys', 'nope',
                     '--out', out])
    assert proc.returncode != 0 and "no scalar 'nope'" in proc.stderr


# ----------------------------------------------------------------------------- print_config
def test_print_config_merges_options(tmp_path):
    saved = str(tmp_path / 'merged.py')
    proc = run_tool(['tools/misc/print_config.py', DET, '--cfg-options', 'model.backbone.depth=34',
                     '--save-path', saved])
    assert_ok(proc)
    assert "type='tricks_mm.TricksResNet'" in proc.stdout and 'depth=34' in proc.stdout
    from mmengine.config import Config
    cfg = Config.fromfile(saved)
    assert cfg.model.backbone.depth == 34 and cfg.model.roi_head.bbox_head.num_classes == 3


# ----------------------------------------------------------------------------- browse_dataset
def _browse(config, phase, num, data_env, out):
    """Run the tool; return its pictures and the first sample as the tool saw it (RGB image, data sample)."""
    from mmengine.config import Config

    from tricks_mm.apis.dataset import build_dataset
    assert_ok(run_tool(['tools/misc/browse_dataset.py', config, '--output-dir', str(out), '--phase', phase,
                        '--max-num', str(num)], data_env))
    files = sorted(glob.glob(osp.join(str(out), '*.png')))
    assert len(files) == num
    dataset = build_dataset(Config.fromfile(osp.join(REPO, config)), phase)
    item = dataset[0]
    plain = item['inputs'].permute(1, 2, 0).numpy()[..., ::-1].astype(int)
    return files, dataset, plain, item['data_samples']


def test_browse_imagenet_layout(data_env, tmp_path):
    files, _, _, _ = _browse(CLS, 'val', 5, data_env, tmp_path)
    drawn = mmcv.imread(files[0])
    assert min(drawn.shape[:2]) >= 224 and drawn[:30, :60].std() > 20  # the class name, written top left


def test_browse_voc_layout_draws_the_boxes(data_env, tmp_path):
    files, _, plain, sample = _browse(DET, 'test', 3, data_env, tmp_path)
    drawn = mmcv.imread(files[0], channel_order='rgb').astype(int)
    assert drawn.shape == plain.shape
    changed = np.abs(drawn - plain).max(-1) > 40
    for x1, y1, x2, y2 in sample.gt_instances.bboxes.tensor.round().int().tolist():
        x2, y2 = min(x2, changed.shape[1] - 1), min(y2, changed.shape[0] - 1)
        edge = np.concatenate([changed[y1:y2 + 1, x1], changed[y1:y2 + 1, x2], changed[y1, x1:x2 + 1],
                               changed[y2, x1:x2 + 1]])
        assert edge.mean() > 0.5


def test_browse_ade_layout_draws_the_mask(data_env, tmp_path):
    from tricks_mm.apis.draw import meta_for
    files, dataset, plain, sample = _browse(SEG, 'val', 2, data_env, tmp_path)
    gt = sample.gt_sem_seg.data[0].numpy()
    palette = np.asarray(meta_for(dataset.metainfo['classes'])['palette'])
    drawn = mmcv.imread(files[0], channel_order='rgb').astype(int)
    labelled = gt != 255
    assert labelled.mean() > 0.05
    expected = (plain * 0.2 + palette[np.where(labelled, gt, 0)] * 0.8).astype(np.uint8).astype(int)
    close = np.abs(drawn - expected).max(-1) <= 3
    assert close[labelled].mean() > 0.8  # the ground-truth mask, blended (SegLocalVisualizer alpha 0.8)


# ----------------------------------------------------------------------------- confusion_matrix
def test_confusion_matrix_classification(runs, data_env, tmp_path):
    from tricks_mm.apis import inference_model, init_model
    ckpt = osp.join(runs['local'], 'iter_4.pth')
    out = str(tmp_path / 'cm.png')
    proc = run_tool(['tools/analysis_tools/confusion_matrix.py', CLS, ckpt, '--show-path', out,
                     '--include-values'], data_env)
    assert_ok(proc)
    got = _json_line(proc.stdout, '"matrix"')
    model = init_model(osp.join(REPO, CLS), ckpt)
    classes = list(model.dataset_meta['classes'])
    assert got['classes'] == classes
    expected = np.zeros((len(classes), len(classes)), dtype=int)
    for path in glob.glob(osp.join(data_env['DATA_ROOT'], 'imagenet', 'val', '*', '*')):
        pred = int(inference_model(model, path).pred_label)
        expected[classes.index(osp.basename(osp.dirname(path))), pred] += 1
    assert np.asarray(got['matrix']).tolist() == expected.tolist()
    assert mmcv.imread(out).std() > 10
    # the same from the predictions tools/test.py dumps
    pkl = str(tmp_path / 'preds.pkl')
    assert_ok(run_tool(['tools/test.py', CLS, ckpt, '--work-dir', str(tmp_path / 't'), '--out', pkl], data_env))
    proc = run_tool(['tools/analysis_tools/confusion_matrix.py', CLS, pkl, '--show-path', out], data_env)
    assert_ok(proc)
    assert _json_line(proc.stdout, '"matrix"')['matrix'] == expected.tolist()


def test_confusion_matrix_segmentation(data_env, tmp_path):
    from tricks_mm.apis import inference_model, init_model
    torch.manual_seed(0)
    model = init_model(osp.join(REPO, SEG))
    ckpt = str(tmp_path / 'seg.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, ckpt)
    proc = run_tool(['tools/analysis_tools/confusion_matrix.py', SEG, ckpt, '--show-path',
                     str(tmp_path / 'cm.png')], data_env)
    assert_ok(proc)
    got = np.asarray(_json_line(proc.stdout, '"matrix"')['matrix'])
    expected = np.zeros((3, 3), dtype=int)
    for path in sorted(glob.glob(osp.join(data_env['DATA_ROOT'], 'ADEChallengeData2016/images/validation/*.jpg'))):
        ann = mmcv.imread(path.replace('images', 'annotations').replace('.jpg', '.png'), flag='unchanged')
        pred = inference_model(model, path).pred_sem_seg.data[0].numpy()
        keep = ann > 0  # reduce_zero_label: 0 is "other", ignored
        expected += np.bincount((ann[keep] - 1) * 3 + pred[keep], minlength=9).reshape(3, 3)
    assert got.sum() == expected.sum() > 0
    assert got.tolist() == expected.tolist()


# ----------------------------------------------------------------------------- benchmark
def test_benchmark_times_the_detector(data_env):
    proc = run_tool(['tools/analysis_tools/benchmark.py', DET, '--max-iter', '3', '--num-warmup', '1',
                     '--log-interval', '1'], dict(data_env, OMP_NUM_THREADS='1'))
    assert_ok(proc)
    result = _json_line(proc.stdout, 'img_per_s')
    assert result['batches'] == 3 and result['images'] == 6  # test batch size 2
    assert result['img_per_s'] > 0 and result['ms_per_img'] == pytest.approx(1000 / result['img_per_s'])
    assert proc.stdout.count('done batch') == 3


# ----------------------------------------------------------------------------- slurm_test.sh
def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_slurm_test_script(runs, data_env, tmp_path):
    """tools/slurm_test.sh through a stand-in `srun` that runs the task as Slurm's one process would."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'
    srun.write_text('#!/usr/bin/env bash\n'
                    f'echo "$@" > {tmp_path}/srun_args\n'
                    'while [ "$1" != python ]; do shift; done; shift\n'
                    f'SLURM_PROCID=0 SLURM_NTASKS=1 SLURM_LOCALID=0 SLURM_NODELIST=localhost '
                    f'MASTER_ADDR=127.0.0.1 MASTER_PORT={_free_port()} exec "$PYTHON" "$@"\n')
    srun.chmod(srun.stat().st_mode | stat.S_IEXEC)
    import subprocess
    import sys
    env = dict(os.environ, **data_env, PATH=f'{bin_dir}:{os.environ["PATH"]}', PYTHON=sys.executable,
               GPUS='1', GPUS_PER_NODE='1', OMP_NUM_THREADS='1')
    ckpt = osp.join(runs['local'], 'iter_4.pth')
    proc = subprocess.run(['bash', 'tools/slurm_test.sh', 'cpu', 'job1', CLS, ckpt, '--work-dir',
                           str(tmp_path / 'w')], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert_ok(proc)
    args = (tmp_path / 'srun_args').read_text()
    assert args.startswith('-p cpu --job-name=job1 --gres=gpu:1 --ntasks=1')
    assert f'tools/test.py {CLS} {ckpt} --launcher=slurm --work-dir {tmp_path / "w"}' in args
    assert 'accuracy/top1' in _json_line(proc.stdout, 'accuracy/top1')
