"""Results table (Tables 8/9 layout, Section 6) and figures (Fig. 3a, Section 5.1) of a reproduction,
checked on a hand-made results.json and hand-made mmengine scalars.json files."""
import csv
import json
import os
import os.path as osp
import statistics

import pytest

from conftest import assert_ok, run_tool

# ----------------------------------------------------------------------------- fake reproduction
# cls_b: top-1 60.0 and 62.0 (+ a failed seed)  -> 61.00 ± 1.41  (sample std = sqrt(2) = 1.414)
# det_b: mAP 0.40 and 0.43 (fractions)           -> 41.50 ± 2.12  (sqrt((1.5^2 + 1.5^2) / 1) = 2.121)
# seg_b: one done run (mIoU 35.1, aAcc 80.2), one failed -> 35.10, 80.20 (no ±)
# cls_d: one run 64.5, no paper row; det_d failed -> '–'; seg_d 36.0 / 81.25
B_LINE = '| ResNet-18-B standard | 61.00 ± 1.41 | 76.14 | 41.50 ± 2.12 | 77.54 | 35.10 | 37.05 | 80.20 | 78.08 |'
D_LINE = '| ResNet-18-D custom | 64.50 | – | – | – | 36.00 | – | 81.25 | – |'


def _run(seed, metrics, status='done', name='x', wall=60.0):
    return dict(seed=seed, status=status, metrics=metrics if status == 'done' else {},
                work_dir=f'work_dirs/demo/{name}/seed{seed}',
                checkpoint=f'work_dirs/demo/{name}/seed{seed}/epoch_3.pth',
                command=['python', 'tools/train.py'], test_command=['python', 'tools/test.py'],
                start='2026-11-23T15:00:00', end='2026-11-23T15:01:00', wall_time_s=wall)


def _row(name, task, runs, init_from=None, paper_row=None, label=None):
    for r in runs:
        if 'work_dir' in r:
            r['work_dir'] = r['work_dir'].replace('/x/', f'/{name}/')
    return dict(name=name, task=task, config=f'configs/demo/{name}.py', init_from=init_from,
                paper_row=paper_row, label=label or name, runs=runs)


def _write_scalars(work_dir, timestamp, records, garbage=False):
    path = osp.join(work_dir, timestamp, 'vis_data', 'scalars.json')
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        for r in records:
            f.write(json.dumps(r) + '\n')
        if garbage:
            f.write('{"accuracy/top1": 9')  # a run killed mid-write
    return path


def _train(epoch, it):
    return {'lr': 0.1, 'data_time': 0.01, 'loss': 2.0 / epoch, 'time': 0.2, 'epoch': epoch, 'iter': it,
            'memory': 0, 'step': it}


@pytest.fixture()
def fake(tmp_path):
    """results.json under <tmp>/work_dirs/demo with work dirs relative to <tmp> (the runner's cwd)."""
    root = tmp_path / 'work_dirs' / 'demo'
    rows = [
        _row('cls_b', 'cls', [_run(0, {'accuracy/top1': 60.0, 'accuracy/top5': 90.0}),
                              _run(1, {'accuracy/top1': 62.0, 'accuracy/top5': 91.0}),
                              _run(2, {}, status='failed')],
             paper_row='B-standard', label='ResNet-18-B standard'),
        _row('cls_d', 'cls', [_run(0, {'accuracy/top1': 64.5})], label='ResNet-18-D custom'),
        _row('det_b', 'det', [_run(0, {'pascal_voc/mAP': 0.40, 'pascal_voc/AP50': 0.40}),
                              _run(1, {'pascal_voc/mAP': 0.43, 'pascal_voc/AP50': 0.43})],
             init_from='cls_b', paper_row='B-standard'),
        _row('seg_b', 'seg', [_run(0, {'mIoU': 35.1, 'aAcc': 80.2, 'mAcc': 44.0}),
                              _run(1, {}, status='failed')], init_from='cls_b', paper_row='B-standard'),
        _row('det_d', 'det', [_run(0, {}, status='failed')], init_from='cls_d'),
        _row('seg_d', 'seg', [_run(0, {'mIoU': 36.0, 'aAcc': 81.25})], init_from='cls_d'),
    ]
    results = dict(spec='configs/reproduce/demo_synthetic.py', table='demo', seeds=[0, 1], rows=rows)
    root.mkdir(parents=True)
    path = root / 'results.json'
    path.write_text(json.dumps(results, indent=1))

    wd = lambda name, seed: str(tmp_path / 'work_dirs' / 'demo' / name / f'seed{seed}')  # noqa: E731
    _write_scalars(wd('cls_b', 0), '20261123_150000',
                   [_train(1, 10),
                    {'accuracy/top1': 20.0, 'accuracy/top5': 50.0, 'data_time': 0.1, 'time': 0.2, 'step': 1},
                    _train(2, 20), {'accuracy/top1': 40.0, 'step': 2},
                    _train(3, 30), {'accuracy/top1': 60.0, 'step': 3}])
    # seed 1 was resumed from epoch 1: the second session re-validates epoch 2 (the later value wins)
    _write_scalars(wd('cls_b', 1), '20261123_150000',
                   [_train(1, 10), {'accuracy/top1': 22.0, 'step': 1},
                    _train(2, 20), {'accuracy/top1': 1.0, 'step': 2}],
                   garbage=True)
    _write_scalars(wd('cls_b', 1), '20261123_160000',
                   [_train(2, 20), {'accuracy/top1': 44.0, 'step': 2},
                    _train(3, 30), {'accuracy/top1': 62.0, 'step': 3}])
    for seed, maps in ((0, (0.2, 0.40)), (1, (0.25, 0.43))):
        _write_scalars(wd('det_b', seed), '20261123_170000',
                       [_train(1, 5), {'pascal_voc/mAP': maps[0], 'pascal_voc/AP50': maps[0], 'step': 1},
                        _train(2, 10), {'pascal_voc/mAP': maps[1], 'step': 2}])
    _write_scalars(wd('seg_b', 0), '20261123_180000',  # iteration-based: no 'epoch' in training lines
                   [{'lr': 0.01, 'loss': 1.0, 'iter': 4, 'step': 4}, {'mIoU': 20.0, 'aAcc': 70.0, 'step': 4},
                    {'lr': 0.01, 'loss': 0.9, 'iter': 8, 'step': 8}, {'mIoU': 35.1, 'aAcc': 80.2, 'step': 8}])
    return dict(path=str(path), root=str(root), results=results)


# ----------------------------------------------------------------------------- table
def test_mean_std_by_hand():
    from tricks_mm.reproduce.tables import stat
    assert statistics.mean([60.0, 62.0]) == 61.0 and f'{statistics.stdev([60.0, 62.0]):.2f}' == '1.41'
    assert f'{statistics.stdev([40.0, 43.0]):.2f}' == '2.12'
    s = stat([60.0, 62.0])
    assert s.mean == pytest.approx(61.0) and s.std == pytest.approx(2 ** 0.5) and s.n == 2
    assert stat([1.0]).std is None and stat([]) is None


def test_results_table_cli(fake, tmp_path):
    out = tmp_path / 'tables'
    proc = run_tool(['tools/analysis/results_table.py', fake['path'], '--out-dir', str(out)])
    assert_ok(proc)
    md = (out / 'results_table.md').read_text()
    assert B_LINE in md.splitlines() and D_LINE in md.splitlines(), md
    assert md in proc.stdout  # printed as written
    # order of the classifier rows = spec order; det/seg rows are not lines of their own
    lines = [ln for ln in md.splitlines() if ln.startswith('| ResNet-18')]
    assert lines == [B_LINE, D_LINE]
    assert 'VOC mAP paper' in md and 'PixAcc ours' in md
    # run summary: done/total with the failed runs counted, wall time
    assert '| cls_b | cls | – | not recorded | 2/3 | 1 failed | 3m00s |' in md
    assert '| det_d | det | cls_d | not recorded | 0/2 | 1 failed | 1m00s |' in md  # total: the seeds [0, 1]
    last = proc.stdout.strip().splitlines()[-1]
    assert str(out / 'results_table.md') in last and str(out / 'results_table.csv') in last

    with open(out / 'results_table.csv', newline='') as f:
        recs = list(csv.DictReader(f))
    assert [r['row'] for r in recs] == ['cls_b', 'cls_d']
    b, d = recs
    assert (b['det_row'], b['seg_row'], b['paper_row']) == ('det_b', 'seg_b', 'B-standard')
    assert float(b['top1_mean']) == pytest.approx(61.0) and float(b['top1_std']) == pytest.approx(2 ** 0.5, abs=1e-4)
    assert int(b['top1_n']) == 2 and float(b['top1_paper']) == 76.14
    assert float(b['voc_mAP_mean']) == pytest.approx(41.5) and float(b['voc_mAP_paper']) == 77.54
    assert float(b['ade_mIoU_mean']) == pytest.approx(35.1) and b['ade_mIoU_std'] == '' and b['ade_mIoU_n'] == '1'
    assert float(b['ade_pixacc_paper']) == 78.08
    assert d['voc_mAP_mean'] == '' and d['voc_mAP_n'] == '0' and d['top1_paper'] == ''
    assert float(d['ade_pixacc_mean']) == pytest.approx(81.25)


def test_results_table_default_out_dir_and_extra_rows(fake):
    """Default out dir = the results file's; a second det row from one classifier is noted, not shown."""
    results = fake['results']
    results['rows'].append(dict(name='det_b2', task='det', init_from='cls_b', paper_row=None, label='det_b2',
                                config='c.py', runs=[_run(0, {'pascal_voc/mAP': 0.9}, name='det_b2')]))
    results['rows'].append(dict(name='seg_orphan', task='seg', init_from='nope', runs=[]))
    with open(fake['path'], 'w') as f:
        json.dump(results, f)
    proc = run_tool(['tools/analysis/results_table.py', fake['path']])
    assert_ok(proc)
    md = open(osp.join(fake['root'], 'results_table.md')).read()
    assert B_LINE in md  # the first det row (det_b) fills the line
    assert '`det_b2`' in md and '`seg_orphan`' in md
    assert osp.isfile(osp.join(fake['root'], 'results_table.csv'))


def test_paper_numbers():
    from tricks_mm.reproduce.tables import load_paper, paper_values
    paper = load_paper()
    assert 'arXiv:1812.01187v2' in paper['source'] and paper['notes']
    assert set(paper['tables_8_9']['rows']) == {'B-standard', 'D-efficient', '+cosine', '+smooth', '+distill w/o mixup',
                                                '+mixup w/o distill', '+distill w/ mixup'}
    assert paper['tables_8_9']['rows']['+distill w/ mixup'] == dict(top1=79.29, voc_mAP=81.33, ade_pixacc=78.72,
                                                                    ade_mIoU=38.40)
    assert paper['table5']['rows']['D']['top1'] == 77.16 and paper['table4']['rows']['+FP16']['bs1024']['top1'] == 76.21
    assert paper['table6']['rows']['+label smoothing']['top1'] == 78.31
    assert paper_values(paper, 'B-standard')['voc_mAP'] == 77.54
    assert paper_values(paper, 'C') == dict(top1=76.87, voc_mAP=None, ade_mIoU=None, ade_pixacc=None)
    assert paper_values(paper, None)['top1'] is None


# ----------------------------------------------------------------------------- scalars.json
def test_metric_series_resumed_run(fake):
    from tricks_mm.reproduce.plots import metric_series, resolve_work_dir
    wd = resolve_work_dir('work_dirs/demo/cls_b/seed1', fake['path'])
    assert wd and wd.endswith(osp.join('cls_b', 'seed1'))
    s = metric_series(wd, 'accuracy/top1')
    assert s.step.tolist() == [1, 2, 3] and s.value.tolist() == [22.0, 44.0, 62.0] and s.by_epoch
    det = metric_series(resolve_work_dir('work_dirs/demo/det_b/seed0', fake['path']), 'pascal_voc/mAP', 100.0)
    assert det.value.tolist() == pytest.approx([20.0, 40.0])
    seg = metric_series(resolve_work_dir('work_dirs/demo/seg_b/seed0', fake['path']), 'mIoU')
    assert seg.step.tolist() == [4, 8] and seg.by_epoch is False
    assert resolve_work_dir('work_dirs/demo/det_d/seed0', fake['path']) is None
    # absolute work dirs (tools/reproduce.py) of a work root that was moved since: <results dir>/<row>/seed<k>
    assert resolve_work_dir('/elsewhere/demo/cls_b/seed1', fake['path']) == wd
    assert resolve_work_dir(wd, fake['path']) == wd


# ----------------------------------------------------------------------------- Fig. 3a
L = 5  # iterations per epoch; odd, so the cosine's T = 115 L - 1 is even and has a midpoint iteration


@pytest.fixture(scope='module')
def curves():
    from tricks_mm.reproduce.plots import LR_CONFIGS, lr_curves
    return lr_curves(LR_CONFIGS, iters_per_epoch=L)


def test_lr_curves_step_and_cosine(curves):
    """Sec. 3.1 warmup from 0 over 5 epochs to lr 0.4 (BS 1024); Sec. 2.1 step decay /10 at epoch 30;
    Sec. 5.1 cosine to 0 with its midpoint at half the peak."""
    step, cos = curves['step decay'], curves['cosine decay']
    m = 5 * L
    for c in (step, cos):
        assert len(c.lr) == 120 * L and c.epoch[L] == 1.0
        assert c.lr[0] == 0.0
        assert c.lr[m] == pytest.approx(0.4, rel=1e-9) and c.lr[m] == pytest.approx(c.lr.max(), rel=1e-12)
        assert c.lr[m // 2] == pytest.approx(0.4 * (m // 2) / m, rel=1e-9)  # linear warmup
    # step decay: lr 0.4 up to the end of epoch 30, then /10, /100, /1000 at epochs 30/60/90
    assert step.lr[30 * L - 1] == pytest.approx(0.4) and step.lr[30 * L] == pytest.approx(0.04, rel=1e-9)
    assert step.lr[60 * L] == pytest.approx(0.004, rel=1e-9) and step.lr[-1] == pytest.approx(0.0004, rel=1e-9)
    # cosine: eta (1 + cos(pi t / T)) / 2 over the iterations after warmup, T = N - m - 1
    T = 120 * L - m - 1
    assert T % 2 == 0
    assert cos.lr[m + T // 2] == pytest.approx(0.2, rel=1e-6)
    assert cos.lr[-1] == pytest.approx(0.0, abs=1e-12) and cos.lr[-2] > 0
    assert all(a >= b for a, b in zip(cos.lr[m:], cos.lr[m + 1:]))


# ----------------------------------------------------------------------------- plot CLI
def _check_png(path):
    from PIL import Image
    assert osp.isfile(path) and osp.getsize(path) > 0
    with Image.open(path) as im:
        assert im.format == 'PNG' and im.size[0] > 100 and im.size[1] > 100
        im.verify()


def test_plot_cli(fake, tmp_path):
    out = tmp_path / 'figs'
    proc = run_tool(['tools/analysis/plot_results.py', fake['path'], '--out-dir', str(out)])
    assert_ok(proc)
    for name in ('lr_schedules.png', 'val_curves.png', 'transfer.png'):
        assert f'{name}: {out / name}' in proc.stdout, proc.stdout
        _check_png(str(out / name))


def test_plot_cli_partial_results(tmp_path):
    """Only failed runs, no scalars: the LR figure is drawn, the others are skipped with a reason."""
    path = tmp_path / 'results.json'
    path.write_text(json.dumps(dict(spec='s.py', table='t', seeds=[0], rows=[
        _row('cls_a', 'cls', [_run(0, {}, status='failed')]),
        _row('det_a', 'det', [dict(seed=0, status='running')], init_from='cls_a')])))
    proc = run_tool(['tools/analysis/plot_results.py', str(path), '--iters-per-epoch', '2'])
    assert_ok(proc)
    _check_png(str(tmp_path / 'lr_schedules.png'))
    assert 'val_curves.png: skipped:' in proc.stdout and 'transfer.png: skipped:' in proc.stdout
    proc = run_tool(['tools/analysis/results_table.py', str(path)])
    assert_ok(proc)
    assert '| cls_a | – | – | – | – | – | – | – | – |' in proc.stdout
    assert '| det_a | det | cls_a | not recorded | 0/1 | 1 running | – |' in proc.stdout


def test_runs_table_names_precision_and_cpu():
    """Every run's precision and CPU reach the runs table (bf16 rows train in fp32 without native bf16)."""
    from tricks_mm.reproduce.tables import render_summary_markdown, run_summary
    runs = [dict(seed=0, status='done', wall_time_s=60, precision='fp32 (bf16 wrapper; no native bf16)',
                 cpu='AMD EPYC; 2 cores; flags avx2; oneDNN native bf16: no'),
            dict(seed=1, status='done', wall_time_s=60, precision='bf16',
                 cpu='AMD EPYC; 2 cores; flags avx2 avx512f avx512_bf16; oneDNN native bf16: yes')]
    md = render_summary_markdown(run_summary(dict(rows=[dict(name='cls_d', task='cls', runs=runs)])))
    assert '| cls_d | cls | – | bf16 / fp32 (bf16 wrapper; no native bf16) |' in md
    assert 'oneDNN native bf16: no' in md and 'avx512_bf16' in md


def test_runs_table_total_is_the_seeds_to_run():
    """A row not run yet shows 0/<its seeds> (its own ``seeds``, else the results'), never 0/0; a row with
    more runs than seeds counts them all."""
    from tricks_mm.reproduce.tables import render_summary_markdown, run_summary
    done = dict(seed=0, status='done', wall_time_s=60)
    results = dict(seeds=[0, 1, 2], rows=[
        dict(name='cls_new', task='cls', runs=[]),
        dict(name='teacher', task='cls', seeds=[0], runs=[]),
        dict(name='cls_half', task='cls', runs=[done]),
        dict(name='cls_more', task='cls', seeds=[0], runs=[done, dict(seed=4, status='failed')])])
    md = render_summary_markdown(run_summary(results))
    assert '| cls_new | cls | – | – | 0/3 | – | – |' in md
    assert '| teacher | cls | – | – | 0/1 | – | – |' in md
    assert '| cls_half | cls | – | not recorded | 1/3 | – | 1m00s |' in md
    assert '| cls_more | cls | – | not recorded | 1/2 | 1 failed | 1m00s |' in md
    assert '0/0' not in md


def test_rank_correlations_by_hand(tmp_path):
    """Spearman and Kendall (tau-b, ties) between top-1 and each downstream metric, ours over the classifiers
    with a transfer row, the paper's over the same rows (a classifier without transfer rows is left out)."""
    from tricks_mm.reproduce.report import write_report
    top1, mAP, mIoU, aAcc = [60.0, 62.0, 64.0, 66.0], [0.40, 0.45, 0.43, 0.50], [33, 32, 31, 30], [80, 80, 81, 82]
    rows = []
    for k, paper_row in enumerate(['B-standard', 'D-efficient', '+smooth', '+mixup w/o distill']):
        rows += [_row(f'cls_{k}', 'cls', [_run(0, {'accuracy/top1': top1[k]})], paper_row=paper_row),
                 _row(f'det_{k}', 'det', [_run(0, {'pascal_voc/mAP': mAP[k]})], init_from=f'cls_{k}'),
                 _row(f'seg_{k}', 'seg', [_run(0, {'mIoU': mIoU[k], 'aAcc': aAcc[k]})], init_from=f'cls_{k}')]
    # in the paper's Tables 8/9, but no transfer row here: not a point on either side
    rows.append(_row('cls_cos', 'cls', [_run(0, {'accuracy/top1': 99.0})], paper_row='+cosine'))
    path = tmp_path / 'results.json'
    path.write_text(json.dumps(dict(spec='s.py', table='t', seeds=[0], rows=rows)))
    md = write_report(str(path))['markdown'].splitlines()
    # ours: mAP ranks 1,3,2,4 -> rho 1 - 6*2/60 = 0.8, tau (5 - 1)/6; mIoU reversed -> -1; aAcc ties 80, 80 ->
    # rho 4.5/sqrt(5*4.5) = 0.949, tau-b 5/sqrt(6*5) = 0.913. Paper (Tables 8/9, same 4 rows): mAP 77.54 < 78.30 <
    # 80.71 < 81.10 -> +1; mIoU 37.05, 38.88, 38.75, 37.99 and PixAcc 78.08, 78.88, 78.64, 78.47: ranks 1,4,3,2 ->
    # rho 1 - 6*8/60 = 0.2, tau 0
    assert '| VOC mAP | +0.80 | +0.67 | +1.00 | +1.00 | 4 / 4 |' in md, md
    assert '| ADE mIoU | -1.00 | -1.00 | +0.20 | +0.00 | 4 / 4 |' in md, md
    assert '| PixAcc | +0.95 | +0.91 | +0.20 | +0.00 | 4 / 4 |' in md, md


def test_rank_correlations_need_three_points(fake, tmp_path):
    from tricks_mm.reproduce.report import write_report
    md = write_report(fake['path'], str(tmp_path))['markdown'].splitlines()
    assert '| VOC mAP | – | – | – | – | 1 / 1 |' in md, md  # det_d failed: one point on our side
    assert '| ADE mIoU | – | – | – | – | 2 / 1 |' in md, md  # cls_d has no paper row
