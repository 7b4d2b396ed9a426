"""The report's Tables 5/6 layout (rows found through the metafiles' Mirrors) and its reading (each change the
paper measures, ours against the seed spread), on hand-made results.json files with hand-computed figures."""
import json

import pytest

from tricks_mm.reproduce.reading import INSIDE, ONE_SEED, verdict
from tricks_mm.reproduce.report import write_report
from tricks_mm.reproduce.tables import Stat, stat

IMAGENETTE = 'configs/imagenette/resnet18-{}_imagenette-40px.py'


def _runs(*top1):
    return [dict(seed=k, status='done', metrics={'accuracy/top1': v, 'accuracy/top5': v + 30})
            for k, v in enumerate(top1)]


def _cls(name, config, top1, label, **kw):
    return dict(name=name, task='cls', config=IMAGENETTE.format(config), label=label, runs=_runs(*top1), **kw)


def test_verdict_rules_by_hand():
    two = lambda a, b: stat([a, b])  # noqa: E731  std of (a, b) = |a - b| / sqrt(2)
    base = two(60.0, 61.0)  # 60.5 ± 0.707
    # inside: |Δ| = 1.0 <= 0.707 + 0.707
    assert verdict(+0.5, base, two(61.0, 62.0)) == INSIDE
    # real: Δ = +3.0 > 1.414; with the paper's sign, against it, beyond the paper, a paper Δ of 0
    assert verdict(+0.5, base, two(63.0, 64.0)) == 'agrees with the paper'
    assert verdict(-0.5, base, two(63.0, 64.0)) == 'against the paper'
    assert verdict(None, base, two(63.0, 64.0)) == 'helped'
    assert verdict(None, base, two(57.0, 58.0)) == 'hurt'
    assert verdict(0.0, base, two(63.0, 64.0)) == 'real; the paper has no difference'
    # the edge: |Δ| equal to the noise is inside
    assert verdict(+1.0, Stat(60.0, 0.5, 2), Stat(61.0, 0.5, 2)) == INSIDE
    # one seed on either side, or no run: not read
    assert verdict(+0.5, base, stat([70.0])) == ONE_SEED
    assert verdict(+0.5, None, base) == ONE_SEED


@pytest.fixture()
def report(tmp_path):
    rows = [
        _cls('cls_a', 'a_1xb64-efficient-8e', (60.0, 61.0), 'R18-A'),  # Table 5: A and B (one network at depth 18)
        _cls('cls_c', 'c_1xb64-efficient-8e', (62.0, 63.0), 'R18-C'),
        _cls('cls_d', 'd_1xb64-efficient-8e', (62.5, 62.5), 'R18-D'),  # Table 5 D, Table 6 Efficient, 8/9
        _cls('cls_cos', 'd_1xb64-efficient-cos-8e', (61.0,), 'R18-D cos'),  # one seed
        _cls('cls_ls', 'd_1xb64-efficient-cos-ls-8e', (66.0, 67.0), 'R18-D cos ls', paper_row='+smooth'),
        _cls('cls_mix', 'd_1xb64-efficient-cos-ls-mixup-13e', (64.0, 64.0), 'R18-D mixup'),
        _cls('cls_cutout', 'd_1xb64-efficient-cos-ls-cutout-8e', (68.5, 69.5), 'R18-D cutout', compare_to='cls_ls'),
        _cls('cls_ricap', 'd_1xb64-efficient-cos-ls-ricap-13e', (64.0, 64.6), 'R18-D ricap', compare_to='cls_mix'),
        dict(name='det_d', task='det', config='d.py', init_from='cls_d',
             runs=[dict(seed=k, status='done', metrics={'pascal_voc/mAP': v}) for k, v in enumerate((0.70, 0.72))]),
        dict(name='det_ls', task='det', config='l.py', init_from='cls_ls',
             runs=[dict(seed=k, status='done', metrics={'pascal_voc/mAP': v}) for k, v in enumerate((0.74, 0.76))]),
    ]
    rows[2]['paper_row'] = 'D-efficient'
    path = tmp_path / 'results.json'
    path.write_text(json.dumps(dict(spec='s.py', table='t', seeds=[0, 1], rows=rows)))
    return write_report(str(path), str(tmp_path))['markdown']


def test_tables_5_and_6_from_the_metafiles(report):
    lines = report.splitlines()
    # Table 5: the paper's variants in its order; cls_a stands for A and B; top-5 = top-1 + 30 here
    t5 = lines.index('### ResNet variants in the layout of Table 5 (Section 4)')
    assert lines[t5 + 6:t5 + 10] == [
        '| ResNet-50 | R18-A | 60.50 ± 0.71 | 76.21 | 90.50 ± 0.71 | 92.97 |',
        '| ResNet-50-B | R18-A | 60.50 ± 0.71 | 76.66 | 90.50 ± 0.71 | 93.28 |',
        '| ResNet-50-C | R18-C | 62.50 ± 0.71 | 76.87 | 92.50 ± 0.71 | 93.48 |',
        '| ResNet-50-D | R18-D | 62.50 ± 0.00 | 77.16 | 92.50 ± 0.00 | 93.52 |'], report
    t6 = lines.index('### Training refinements in the layout of Table 6 (Section 5)')
    assert lines[t6 + 6:t6 + 10] == [
        '| Efficient | R18-D | 62.50 ± 0.00 | 77.16 | 92.50 ± 0.00 | 93.52 |',
        '| +cosine | R18-D cos | 61.00 | 77.91 | 91.00 | 93.81 |',
        '| +label smoothing | R18-D cos ls | 66.50 ± 0.71 | 78.31 | 96.50 ± 0.71 | 94.09 |',
        '| +mixup w/o distill | R18-D mixup | 64.00 ± 0.00 | 79.15 | 94.00 ± 0.00 | 94.58 |'], report
    assert '| R18-D cutout | Cutout, 20 px square, mean fill (DeVries & Taylor 2017), on top of "+label smoothing" ' \
           '| 69.00 ± 0.71 | 99.00 ± 0.71 |' in lines
    # Tables 8/9 list only the classifiers with a transfer row
    t89 = [ln for ln in lines[:t5] if ln.startswith('| R18')]
    assert [ln.split(' | ')[0] for ln in t89] == ['| R18-D', '| R18-D cos ls']


def test_reading_by_hand(report):
    rows = [ln for ln in report.splitlines() if ln.startswith(('| 5 |', '| 6 |', '| 8/9 |'))]
    # Table 5: C vs A(=B): Δ +2.00 > 0.71 + 0.71, paper C - B = 76.87 - 76.66 = +0.21; D vs C: Δ 0 -> inside
    assert '| 5 | R18-C | R18-A | top-1 | +0.21 | +2.00 | 1.41 | 2 / 2 | agrees with the paper |' in rows
    assert '| 5 | R18-D | R18-C | top-1 | +0.29 | +0.00 | 0.71 | 2 / 2 | inside the noise |' in rows
    assert not any(ln.startswith('| 5 | R18-A | R18-A') for ln in rows)  # one run is not compared with itself
    # Table 6: cos has one seed; ls vs cos not read; mixup vs ls: Δ -2.5 > 0.71, paper +0.84 -> against
    assert '| 6 | R18-D cos | R18-D | top-1 | +0.75 | -1.50 | – | 2 / 1 | not read: fewer than 2 seeds |' in rows
    assert '| 6 | R18-D mixup | R18-D cos ls | top-1 | +0.84 | -2.50 | 0.71 | 2 / 2 | against the paper |' in rows
    # beyond the paper, against compare_to: cutout +2.5 > 1.41 helped; RICAP vs mixup +0.3 < 0.42 inside
    assert '| 6 | R18-D cutout | R18-D cos ls | top-1 | – | +2.50 | 1.41 | 2 / 2 | helped |' in rows
    assert '| 6 | R18-D ricap | R18-D mixup | top-1 | – | +0.30 | 0.42 | 2 / 2 | inside the noise |' in rows
    # Tables 8/9: ls vs D: top-1 +4.0 > 0.71 (paper 78.34 - 77.16); mAP 75 - 71 = +4.0 > 2.83 (paper 80.71 - 78.30)
    assert '| 8/9 | R18-D cos ls | R18-D | Top-1 | +1.18 | +4.00 | 0.71 | 2 / 2 | agrees with the paper |' in rows
    assert '| 8/9 | R18-D cos ls | R18-D | VOC mAP | +2.41 | +4.00 | 2.83 | 2 / 2 | agrees with the paper |' in rows
    assert '| 8/9 | R18-D cos ls | R18-D | ADE mIoU | -0.13 | – | – | 0 / 0 | not read: fewer than 2 seeds |' in rows
    assert len(rows) == 2 + 5 + 4, rows  # Table 6: cos, ls, mixup, cutout, ricap
    assert '7 of 11 comparisons read: 3 agrees with the paper, 2 inside the noise, 1 against the paper, 1 helped.' \
        in report
