"""Our results next to the paper's, in the layout of Tables 8 and 9 (He et al., CVPR 2019, Section 6).

Reads the ``results.json`` of ``tools/reproduce.py``: rows (``task`` cls/det/seg) with their runs (one per
seed). A det/seg row names the classifier row that initialised its backbone (``init_from``), so each
classifier row with a transfer row is one line: top-1, VOC mAP, ADE mIoU and pixel accuracy, ours next to
the paper's (the classifier rows without one are in the Tables 5/6 layout, :mod:`.paper_layout`).

* Only ``done`` runs are aggregated: mean, ± the sample std (ddof=1) from two runs on.
* Percent as in the paper: mmdet's ``pascal_voc/mAP`` (a fraction) is multiplied by 100.
* When several det (or seg) rows come from one classifier, the first fills the line; the notes list the others.
* Paper values come from the metafiles (:mod:`tricks_mm.reproduce.metafile`) through the classifier row's
  ``paper_row``: Tables 8/9, and for top-1 only also Table 6 (ResNet-50-D) and Table 5 (ResNet variants).
"""
import csv
import datetime
import io
import json
import math
from collections import Counter
from typing import Dict, List, NamedTuple, Optional

from .records import Results, Run

DASH = '–'


class Metric(NamedTuple):
    """One quantity: the task whose rows report it, the evaluator's key, the factor to percent, the headers."""
    task: str
    key: str
    scale: float
    header: str
    paper_header: str


METRICS = {  # column order of Tables 8/9 (keys of metafile.paper_numbers()["tables_8_9"])
    'top1': Metric('cls', 'accuracy/top1', 1.0, 'Top-1 ours', 'Top-1 paper'),
    'voc_mAP': Metric('det', 'pascal_voc/mAP', 100.0, 'VOC mAP ours', 'VOC mAP paper'),
    'ade_mIoU': Metric('seg', 'mIoU', 1.0, 'ADE mIoU ours', 'mIoU paper'),
    'ade_pixacc': Metric('seg', 'aAcc', 1.0, 'PixAcc ours', 'PixAcc paper'),
}


class Stat(NamedTuple):
    """Mean over the done runs of a row; ``std`` is the sample std (None for a single run)."""
    mean: float
    std: Optional[float]
    n: int


def load_json(path: str) -> dict:
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def load_paper(path: Optional[str] = None) -> dict:
    """The paper's numbers (arXiv v2): from the metafiles, or a JSON file in the layout of
    :func:`tricks_mm.reproduce.metafile.paper_numbers`."""
    if path:
        return load_json(path)
    from .metafile import paper_numbers
    return paper_numbers()


def metric_value(metrics: dict, key: str) -> Optional[float]:
    """``metrics[key]``, or the one entry whose key ends with ``/key`` (an evaluator prefix); None if absent."""
    value = metrics.get(key)
    if value is None:
        matches = [v for k, v in metrics.items() if k.endswith('/' + key)]
        value = matches[0] if len(matches) == 1 else None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def stat(values: List[float]) -> Optional[Stat]:
    if not values:
        return None
    n, mean = len(values), sum(values) / len(values)
    return Stat(mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None, n)


def paper_values(paper: dict, paper_row: Optional[str]) -> Dict[str, Optional[float]]:
    """The paper's numbers of a classifier row (keys of :data:`METRICS`; None when the paper has none)."""
    def row(table):
        return paper.get(table, {}).get('rows', {}).get(paper_row, {})

    out = {key: row('tables_8_9').get(key) for key in METRICS}
    if out['top1'] is None:
        out['top1'] = row('table6').get('top1') or row('table5').get('top1')
    return out


def transfer_lines(results, paper: dict) -> dict:
    """``{'lines': [...], 'notes': [...]}``: one line per classifier row that a det or seg row is initialised
    from, in spec order, with ``label``, ``row``, ``paper_row``, ``det_row``, ``seg_row``, ``ours`` (key ->
    :class:`Stat` or None) and ``paper``."""
    rows = Results.coerce(results).rows
    cls_names = {r.name for r in rows if r.task == 'cls'}
    feeds, notes = {}, []  # (classifier name, task) -> rows initialised from it, in file order
    for row in rows:
        if row.task in ('det', 'seg') and row.init_from in cls_names:
            feeds.setdefault((row.init_from, row.task), []).append(row)
        elif row.task in ('det', 'seg'):
            notes.append(f"{row.task} row `{row.name}` is initialised from `{row.init_from}`, which is not a "
                         'classifier row here: not in the table.')
    lines = []
    for cls_row in (r for r in rows if r.task == 'cls'):
        if not feeds.get((cls_row.name, 'det')) and not feeds.get((cls_row.name, 'seg')):
            continue
        picked = {'cls': cls_row}
        for task in ('det', 'seg'):
            fed = feeds.get((cls_row.name, task), [])
            picked[task] = fed[0] if fed else None
            if len(fed) > 1:
                notes.append(f"{len(fed)} {task} rows are initialised from `{cls_row.name}`: the line shows "
                             f"`{fed[0].name}`; not shown: " + ', '.join(f"`{r.name}`" for r in fed[1:]))
        ours = {}
        for key, m in METRICS.items():
            runs = picked[m.task].done_runs() if picked[m.task] else []
            ours[key] = stat([v * m.scale for v in (metric_value(r.metrics, m.key) for r in runs) if v is not None])
        lines.append(dict(label=cls_row.title, row=cls_row.name, paper_row=cls_row.paper_row,
                          det_row=picked['det'] and picked['det'].name, seg_row=picked['seg'] and picked['seg'].name,
                          ours=ours, paper=paper_values(paper, cls_row.paper_row)))
    return dict(lines=lines, notes=notes)


def _ranks(xs: List[float]) -> List[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(xs)), key=xs.__getitem__)
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in order[i:j + 1]:
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(x: List[float], y: List[float]) -> Optional[float]:
    """Spearman's rho: Pearson's correlation of the ranks (None when either side is constant)."""
    rx, ry = _ranks(x), _ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx, syy = sum((a - mx) ** 2 for a in rx), sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else None


def kendall(x: List[float], y: List[float]) -> Optional[float]:
    """Kendall's tau-b: (concordant - discordant) pairs over the tie-corrected pair counts."""
    pairs = [(i, j) for i in range(len(x)) for j in range(i + 1, len(x))]
    sign = [((x[i] > x[j]) - (x[i] < x[j])) * ((y[i] > y[j]) - (y[i] < y[j])) for i, j in pairs]
    untied_x = sum(x[i] != x[j] for i, j in pairs)
    untied_y = sum(y[i] != y[j] for i, j in pairs)
    return sum(sign) / math.sqrt(untied_x * untied_y) if untied_x and untied_y else None


def rank_correlations(lines: List[dict]) -> List[dict]:
    """Per downstream quantity: Spearman and Kendall between classifier top-1 and it (Section 6's claim: a
    better classifier transfers better), over the lines whose classifier has a transfer row of that task:
    ours from the means over the done seeds, the paper's for the same lines. Under 3 points: no coefficient."""
    def value(ln, side, key):
        v = ln[side][key]
        return v.mean if isinstance(v, Stat) else v

    out = []
    for key, m in METRICS.items():
        if m.task == 'cls':
            continue
        entry = dict(key=key, header=m.header.replace(' ours', ''))
        for side in ('ours', 'paper'):
            pts = [(value(ln, side, 'top1'), value(ln, side, key)) for ln in lines if ln[f'{m.task}_row']]
            pts = [p for p in pts if None not in p]
            x, y = [p[0] for p in pts], [p[1] for p in pts]
            enough = len(pts) >= 3
            entry[side] = dict(n=len(pts), spearman=spearman(x, y) if enough else None,
                               kendall=kendall(x, y) if enough else None)
        out.append(entry)
    return out


def markdown_table(header: List[str], body: List[List[str]], text_columns: int = 1, text_last: int = 0) -> str:
    """A GitHub Markdown table; the first ``text_columns`` and the last ``text_last`` columns are left-aligned,
    the others right-aligned."""
    def line(cells):
        return '| ' + ' | '.join(str(c).replace('|', '\\|').replace('\n', ' ') for c in cells) + ' |'

    numbers = len(header) - text_columns - text_last
    align = '|' + '|'.join(['---'] * text_columns + ['---:'] * numbers + ['---'] * text_last) + '|'
    return '\n'.join([line(header), align] + [line(cells) for cells in body])


def _fmt(x, fmt='{:.2f}', empty=DASH) -> str:
    """A number, a :class:`Stat` (``61.20 ± 0.42``, or ``61.20`` for one run) or ``empty`` for None."""
    if isinstance(x, Stat):
        return _fmt(x.mean, fmt) + ('' if x.std is None else ' ± ' + _fmt(x.std, fmt))
    return empty if x is None else fmt.format(x)


def _transfer_csv(lines: List[dict]) -> str:
    """The table as CSV: mean, std, number of done runs and paper value per quantity (percent, 4 decimals)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator='\n')
    writer.writerow(['backbone', 'row', 'paper_row', 'det_row', 'seg_row'] +
                    [f'{key}_{part}' for key in METRICS for part in ('mean', 'std', 'n', 'paper')])
    for ln in lines:
        rec = [ln['label'], ln['row']] + [ln[k] or '' for k in ('paper_row', 'det_row', 'seg_row')]
        for key in METRICS:
            s = ln['ours'][key]
            rec += [_fmt(s and s.mean, '{:.4f}', ''), _fmt(s and s.std, '{:.4f}', ''), s.n if s else 0,
                    _fmt(ln['paper'][key], '{:.4f}', '')]
        writer.writerow(rec)
    return buf.getvalue()


def run_wall_time(run: Run) -> Optional[float]:
    """``wall_time_s``, else ``end - start``; None when neither is known."""
    if isinstance(run.wall_time_s, (int, float)) and math.isfinite(run.wall_time_s):
        return float(run.wall_time_s)
    try:
        return (datetime.datetime.fromisoformat(run.end) - datetime.datetime.fromisoformat(run.start)).total_seconds()
    except (TypeError, ValueError):
        return None


def fmt_duration(seconds: Optional[float]) -> str:
    if seconds is None:
        return DASH
    h, rest = divmod(int(round(seconds)), 3600)
    m, s = divmod(rest, 60)
    return f'{h}h{m:02d}m{s:02d}s' if h else f'{m}m{s:02d}s'


def run_summary(results) -> List[dict]:
    """Per row (every task): done runs out of its seeds (the row's ``seeds``, else the results' ones; more if
    it has more runs), the other statuses counted, summed wall time, precisions and CPUs of its runs."""
    results = Results.coerce(results)
    out = []
    for row in results.rows:
        seeds = row.seeds or results.seeds
        walls = [w for w in map(run_wall_time, row.runs) if w is not None]
        out.append(dict(row=row.name, task=row.task, init_from=row.init_from, done=len(row.done_runs()),
                        total=max(len(row.runs), len(seeds) if isinstance(seeds, list) else 0),
                        others=dict(Counter(r.status or 'unknown' for r in row.runs if not r.done)),
                        wall_time_s=sum(walls) if walls else None,
                        precision=' / '.join(sorted({r.precision or 'not recorded' for r in row.runs})),
                        cpu=' / '.join(sorted({r.cpu or 'not recorded' for r in row.runs}))))
    return out


def render_summary_markdown(summary: List[dict]) -> str:
    body = [[s['row'], s['task'], s['init_from'] or DASH, s.get('precision') or DASH, f"{s['done']}/{s['total']}",
             ', '.join(f'{n} {status}' for status, n in sorted(s['others'].items())) or DASH,
             fmt_duration(s['wall_time_s'])] for s in summary]
    text = markdown_table(['Row', 'Task', 'Init from', 'Precision', 'Runs done/total', 'Not done', 'Wall time'],
                          body, text_columns=4)
    cpus = sorted({c for s in summary for c in (s.get('cpu') or '').split(' / ') if c})
    if cpus:
        text += '\n\nCPU: ' + '; '.join(cpus) + ' (speed and precision depend on it: bf16 rows train in fp32 ' \
                'on CPUs without native bf16).'
    return text + f"\n\nTotal wall time: {fmt_duration(sum(s['wall_time_s'] or 0 for s in summary))}"
