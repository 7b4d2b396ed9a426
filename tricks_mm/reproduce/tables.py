"""Our results next to the paper's, in the layout of Tables 8 and 9 (He et al., CVPR 2019, Section 6).

Reads the ``results.json`` written by ``tools/reproduce.py``: a list of rows (``task`` cls/det/seg), each
with its runs (one per seed). Detection and segmentation rows name the classifier row whose checkpoint
initialised their backbone (``init_from``), so every classifier row becomes one table line:

    Backbone | Top-1 ours | Top-1 paper | VOC mAP ours | VOC mAP paper | ADE mIoU ours | mIoU paper
             | PixAcc ours | PixAcc paper

* Only runs with ``status == "done"`` are aggregated: mean, and ± the sample std (ddof=1) when a row
  has two or more done runs. The other runs are counted in the run summary.
* Units follow the paper (percent). mmpretrain's ``accuracy/top1`` and mmseg's ``mIoU``/``aAcc`` are
  already percentages; mmdet's ``pascal_voc/mAP`` is a fraction and is multiplied by 100.
* If several det (or seg) rows are initialised from the same classifier row, the first one in the
  results file fills the line and the others are listed in the notes under the table.
* Paper values come from the metafiles (``configs/*/metafile.yml``, :mod:`tricks_mm.reproduce.metafile`)
  through the classifier row's ``paper_row`` key, a row name as the metafiles spell it: Tables 8/9 first;
  for the top-1 column only, Table 6 (ResNet-50-D) and Table 5 (variant A/B/C/D) keys also match.
"""
import csv
import datetime
import io
import json
import math
import os
import os.path as osp
from typing import Dict, List, NamedTuple, Optional, Union

from .records import Results, Row, Run

DASH = '–'


class Metric(NamedTuple):
    """One table quantity: the task whose rows report it, the evaluator's key and the factor to percent."""
    task: str
    key: str
    scale: float
    header: str
    paper_header: str


# Column order of Tables 8/9 (keys of metafile.paper_numbers()["tables_8_9"]).
METRICS = {
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


# ----------------------------------------------------------------------------- reading
def load_json(path: str) -> dict:
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def load_paper(path: Optional[str] = None) -> dict:
    """The paper's published numbers (arXiv v2): from the metafiles, or from ``path``, a JSON file in the
    layout of :func:`tricks_mm.reproduce.metafile.paper_numbers`."""
    if path:
        return load_json(path)
    from .metafile import paper_numbers
    return paper_numbers()


def metric_value(metrics: Optional[dict], key: str) -> Optional[float]:
    """``metrics[key]``, or the one entry whose key ends with ``/key`` (an evaluator prefix); None if absent."""
    if not isinstance(metrics, dict):
        return None
    value = metrics.get(key)
    if value is None:
        matches = [v for k, v in metrics.items() if k.endswith('/' + key)]
        value = matches[0] if len(matches) == 1 else None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def row_stat(row: Optional[Row], metric: Metric) -> Optional[Stat]:
    """Mean ± sample std of ``metric`` (in percent) over the row's done runs; None without values."""
    if row is None:
        return None
    values = [v * metric.scale for v in (metric_value(r.metrics, metric.key) for r in row.done_runs())
              if v is not None]
    return stat(values)


def stat(values: List[float]) -> Optional[Stat]:
    if not values:
        return None
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    return Stat(mean, std, n)


def paper_values(paper: dict, paper_row: Optional[str]) -> Dict[str, Optional[float]]:
    """The paper's numbers of a classifier row (keys of :data:`METRICS`; None when the paper has none)."""
    out = dict.fromkeys(METRICS)
    if not paper_row:
        return out
    transfer = paper.get('tables_8_9', {}).get('rows', {}).get(paper_row, {})
    for key in METRICS:
        out[key] = transfer.get(key)
    if out['top1'] is None:
        for table in ('table6', 'table5'):
            top1 = paper.get(table, {}).get('rows', {}).get(paper_row, {}).get('top1')
            if top1 is not None:
                out['top1'] = top1
                break
    return out


# ----------------------------------------------------------------------------- table lines
def transfer_lines(results: Union[Results, dict], paper: dict) -> dict:
    """One line per classifier row, in the results' (spec) order, and the notes for the table.

    Returns ``{'lines': [...], 'notes': [...]}``; a line has ``label``, ``row``, ``paper_row``,
    ``det_row``, ``seg_row``, ``ours`` (key -> :class:`Stat` or None) and ``paper`` (key -> float or None).
    """
    rows = Results.coerce(results).rows
    cls_rows = [r for r in rows if r.task == 'cls']
    cls_names = {r.name for r in cls_rows}
    feeds = {}  # (classifier name, task) -> rows initialised from it, in file order
    notes = []
    for row in rows:
        if row.task in ('det', 'seg'):
            if row.init_from in cls_names:
                feeds.setdefault((row.init_from, row.task), []).append(row)
            else:
                notes.append(f"{row.task} row `{row.name}` is initialised from `{row.init_from}`, which is not a "
                             'classifier row here: not in the table.')
    lines = []
    for cls_row in cls_rows:
        name = cls_row.name
        picked = {'cls': cls_row}
        for task in ('det', 'seg'):
            fed = feeds.get((name, task), [])
            picked[task] = fed[0] if fed else None
            if len(fed) > 1:
                notes.append(f"{len(fed)} {task} rows are initialised from `{name}`: the line shows "
                             f"`{fed[0].name}`; not shown: " + ', '.join(f"`{r.name}`" for r in fed[1:]))
        lines.append(dict(
            label=cls_row.title, row=name, paper_row=cls_row.paper_row,
            det_row=picked['det'] and picked['det'].name, seg_row=picked['seg'] and picked['seg'].name,
            ours={key: row_stat(picked[m.task], m) for key, m in METRICS.items()},
            paper=paper_values(paper, cls_row.paper_row)))
    return dict(lines=lines, notes=notes)


def fmt_stat(s: Optional[Stat]) -> str:
    """``61.20 ± 0.42`` (two or more runs), ``61.20`` (one run), ``–`` (none)."""
    if s is None:
        return DASH
    return f'{s.mean:.2f}' if s.std is None else f'{s.mean:.2f} ± {s.std:.2f}'


def fmt_num(x: Optional[float]) -> str:
    return DASH if x is None else f'{x:.2f}'


def _md_cell(text) -> str:
    return str(text).replace('|', '\\|').replace('\n', ' ')


def markdown_table(header: List[str], body: List[List[str]], text_columns: int = 1) -> str:
    """A GitHub Markdown table; the first ``text_columns`` are left-aligned, the others right-aligned."""
    align = ['---'] * text_columns + ['---:'] * (len(header) - text_columns)
    out = ['| ' + ' | '.join(map(_md_cell, header)) + ' |', '|' + '|'.join(align) + '|']
    out += ['| ' + ' | '.join(map(_md_cell, cells)) + ' |' for cells in body]
    return '\n'.join(out)


def render_transfer_markdown(table: dict) -> str:
    header = ['Backbone']
    for m in METRICS.values():
        header += [m.header, m.paper_header]
    body = []
    for line in table['lines']:
        cells = [line['label']]
        for key in METRICS:
            cells += [fmt_stat(line['ours'][key]), fmt_num(line['paper'][key])]
        body.append(cells)
    return markdown_table(header, body)


CSV_FIELDS = ['backbone', 'row', 'paper_row', 'det_row', 'seg_row'] + [
    f'{key}_{part}' for key in METRICS for part in ('mean', 'std', 'n', 'paper')]


def transfer_csv(table: dict) -> str:
    """Machine-readable twin of the Markdown table: mean, std, number of done runs and paper value per
    quantity (percent, 4 decimals); empty cells where the value is missing."""
    def num(x):
        return '' if x is None else f'{x:.4f}'

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator='\n')
    writer.writeheader()
    for line in table['lines']:
        rec = dict(backbone=line['label'], row=line['row'], paper_row=line['paper_row'] or '',
                   det_row=line['det_row'] or '', seg_row=line['seg_row'] or '')
        for key in METRICS:
            s = line['ours'][key]
            rec[f'{key}_mean'] = num(s and s.mean)
            rec[f'{key}_std'] = num(s and s.std)
            rec[f'{key}_n'] = s.n if s else 0
            rec[f'{key}_paper'] = num(line['paper'][key])
        writer.writerow(rec)
    return buf.getvalue()


# ----------------------------------------------------------------------------- run summary
def _parse_time(text):
    try:
        return datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def run_wall_time(run: Run) -> Optional[float]:
    """``wall_time_s``, else ``end - start``; None when neither is known."""
    wall = run.wall_time_s
    if isinstance(wall, (int, float)) and math.isfinite(wall):
        return float(wall)
    start, end = _parse_time(run.start), _parse_time(run.end)
    if start and end:
        return (end - start).total_seconds()
    return None


def fmt_duration(seconds: Optional[float]) -> str:
    if seconds is None:
        return DASH
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f'{h}h{m:02d}m{s:02d}s' if h else f'{m}m{s:02d}s'


def run_summary(results: Union[Results, dict]) -> List[dict]:
    """Per row (every task): done/total runs, the other statuses counted, summed wall time of its runs."""
    out = []
    for row in Results.coerce(results).rows:
        others = {}
        for r in row.runs:
            if not r.done:
                others[r.status or 'unknown'] = others.get(r.status or 'unknown', 0) + 1
        walls = [w for w in map(run_wall_time, row.runs) if w is not None]
        machines = sorted({(r.precision or 'not recorded', r.cpu or 'not recorded') for r in row.runs})
        out.append(dict(row=row.name, task=row.task, init_from=row.init_from,
                        done=len(row.done_runs()), total=len(row.runs), others=others,
                        wall_time_s=sum(walls) if walls else None,
                        precision=' / '.join(sorted({p for p, _ in machines})),
                        cpu=' / '.join(sorted({c for _, c in machines}))))
    return out


def render_summary_markdown(summary: List[dict]) -> str:
    body = []
    for s in summary:
        others = ', '.join(f'{n} {status}' for status, n in sorted(s['others'].items()))
        body.append([s['row'], s['task'], s['init_from'] or DASH, s.get('precision') or DASH,
                     f"{s['done']}/{s['total']}", others or DASH, fmt_duration(s['wall_time_s'])])
    total = sum(s['wall_time_s'] or 0 for s in summary)
    text = markdown_table(['Row', 'Task', 'Init from', 'Precision', 'Runs done/total', 'Not done', 'Wall time'],
                          body, text_columns=4)
    cpus = sorted({c for s in summary for c in (s.get('cpu') or '').split(' / ') if c})
    if cpus:
        text += '\n\nCPU: ' + '; '.join(cpus) + ' (speed and precision depend on it: bf16 rows train in fp32 ' \
                'on CPUs without native bf16).'
    return text + f'\n\nTotal wall time: {fmt_duration(total)}'


# ----------------------------------------------------------------------------- the whole report
def render_report(results: Union[Results, dict], paper: dict) -> dict:
    """``{'markdown': ..., 'csv': ...}`` of a loaded results file."""
    results = Results.coerce(results)
    table = transfer_lines(results, paper)
    title = '## Transfer results in the layout of Tables 8/9 (Section 6)'
    if results.table:
        title += f': {results.table}'
    parts = [title,
             '',
             f'Spec `{results.spec}`, seeds {results.seeds}. Mean ± sample std over the done '
             'runs (no ± for a single run), percent (VOC mAP x100); paper numbers: arXiv:1812.01187v2; '
             f'{DASH} = no value.',
             '',
             render_transfer_markdown(table)]
    if table['notes']:
        parts += [''] + [f'- {n}' for n in table['notes']]
    parts += ['', '### Runs', '', render_summary_markdown(run_summary(results))]
    return dict(markdown='\n'.join(parts) + '\n', csv=transfer_csv(table))


def write_report(results_path: str, out_dir: Optional[str] = None, paper_path: Optional[str] = None) -> dict:
    """Write ``results_table.md`` and ``results_table.csv`` (default: next to the results file).

    Returns ``{'markdown', 'csv', 'md_path', 'csv_path'}``.
    """
    report = render_report(load_json(results_path), load_paper(paper_path))
    out_dir = out_dir or osp.dirname(osp.abspath(results_path))
    os.makedirs(out_dir, exist_ok=True)
    md_path, csv_path = osp.join(out_dir, 'results_table.md'), osp.join(out_dir, 'results_table.csv')
    with open(md_path, 'w', encoding='utf-8') as f:
        f.write(report['markdown'])
    with open(csv_path, 'w', encoding='utf-8', newline='') as f:
        f.write(report['csv'])
    return dict(report, md_path=md_path, csv_path=csv_path)
