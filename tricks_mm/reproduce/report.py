"""The report of a reproduction (``results_table.md`` and ``.csv``), written from its ``results.json``.

Sections, in this order (the README copies the first, up to the first ``###``):

1. Tables 8/9 (Section 6): each classifier with a transfer row: top-1, VOC mAP, ADE mIoU, pixel accuracy.
2. The rank correlation of top-1 with each downstream quantity, ours and the paper's.
3. Table 5 (Section 4) and Table 6 (Section 5, with the tricks beyond the paper): top-1 and top-5.
4. The reading: every change the paper measures, ours against the seed spread (:mod:`.reading`).
5. The runs: done/total, precision, CPU and wall time per row.
"""
import os
import os.path as osp
from typing import Optional

from . import reading
from .paper_layout import TOP1, TOP5, classifier_tables
from .records import Results
from .tables import (DASH, METRICS, _fmt, _transfer_csv, load_json, load_paper, markdown_table, rank_correlations,
                     render_summary_markdown, run_summary, transfer_lines)


def _transfer_section(results: Results, table: dict) -> list:
    header = ['Backbone'] + [h for m in METRICS.values() for h in (m.header, m.paper_header)]
    body = [[ln['label']] + [_fmt(v) for key in METRICS for v in (ln['ours'][key], ln['paper'][key])]
            for ln in table['lines']]
    title = '## Transfer results in the layout of Tables 8/9 (Section 6)'
    parts = [title + (f': {results.table}' if results.table else ''), '',
             f'Spec `{results.spec}`, seeds {results.seeds}. Mean ± sample std over the done runs (no ± for a '
             f'single run), percent (VOC mAP x100); paper numbers: arXiv:1812.01187v2 (ResNet-50); {DASH} = no '
             'value. The other classifier rows are in the report\'s Tables 5 and 6.', '',
             markdown_table(header, body)]
    return parts + ([''] + [f'- {n}' for n in table['notes']] if table['notes'] else [])


def _correlation_section(lines: list) -> list:
    corr = [[c['header']] + [_fmt(c[side][k], '{:+.2f}') for side in ('ours', 'paper') for k in ('spearman', 'kendall')]
            + [f"{c['ours']['n']} / {c['paper']['n']}"] for c in rank_correlations(lines)]
    return ['', '### Rank correlation with classifier top-1', '',
            'Over the classifiers above that have a transfer row of the task (ours: means over the done seeds, '
            'where both numbers exist; the paper: the same rows); at least 3 points are needed. With 4 points '
            'Kendall\'s τ is one of 0, ±1/3, ±2/3, ±1.', '',
            markdown_table(['Downstream', 'Spearman ours', 'Kendall ours', 'Spearman paper', 'Kendall paper',
                            'lines ours / paper'], corr)]


def _classifier_section(title: str, intro: str, lines: list, beyond: bool = False) -> list:
    """Tables 5/6: the paper's row, ours, top-1 and top-5 beside the paper's; beyond the paper: ours only."""
    if not lines:
        return []
    if beyond:
        head = ['Ours', 'Beyond the paper', 'Top-1 ours', 'Top-5 ours']
        body = [[ln['label'], ln['beyond'], _fmt(ln['ours'][TOP1]), _fmt(ln['ours'][TOP5])] for ln in lines]
    else:
        head = ['Paper row', 'Ours', 'Top-1 ours', 'Top-1 paper', 'Top-5 ours', 'Top-5 paper']
        body = [[ln['paper'].get('model') or ln['paper_row'] or DASH, ln['label'], _fmt(ln['ours'][TOP1]),
                 _fmt(ln['paper'].get('top1')), _fmt(ln['ours'][TOP5]), _fmt(ln['paper'].get('top5'))]
                for ln in lines]
    return ['', title, '', intro, '', markdown_table(head, body, text_columns=2)]


def _reading_section(comps: list) -> list:
    if not comps:
        return []
    body = [[f"{c['table']}", c['line'], c['base'], c['quantity'], _fmt(c['paper_delta'], '{:+.2f}'),
             _fmt(c['delta'], '{:+.2f}'), _fmt(c['noise']), f"{c['n'][0]} / {c['n'][1]}", c['verdict']]
            for c in comps]
    return ['', '### Reading: each change against the seed spread', '',
            'Δ = line minus the line it changes (means over the done seeds; the paper: ResNet-50). A difference '
            'is read only with 2 done seeds on both sides, and is real only when |Δ ours| is larger than the sum '
            'of the two sample stds ("noise"); a real one agrees with the paper when it has the paper\'s sign. '
            'Tables 8/9 compare each classifier with the one before it in the spec (weakest first). ' +
            reading.summary(comps), '',
            markdown_table(['Table', 'Line', 'Changes', 'Quantity', 'Δ paper', 'Δ ours', 'Noise', 'Seeds',
                            'Reading'], body, text_columns=4, text_last=1)]


def write_report(results_path: str, out_dir: Optional[str] = None, paper_path: Optional[str] = None) -> dict:
    """Write ``results_table.md`` (the sections above) and ``results_table.csv`` (the Tables 8/9 lines; default:
    next to the results file). Returns ``{'markdown', 'csv', 'md_path', 'csv_path'}``."""
    results = Results.coerce(load_json(results_path))
    paper = load_paper(paper_path)
    table = transfer_lines(results, paper)
    cls_tables = classifier_tables(results, paper)
    parts = _transfer_section(results, table) + _correlation_section(table['lines'])
    parts += _classifier_section(
        '### ResNet variants in the layout of Table 5 (Section 4)',
        'One recipe ("efficient") for every variant; the paper\'s numbers are ResNet-50\'s. With basic blocks '
        '(ResNet-18) variants A and B are the same network, so one run stands for both.', cls_tables['5'])
    beyond = [ln for ln in cls_tables['6'] if ln['beyond']]
    parts += _classifier_section(
        '### Training refinements in the layout of Table 6 (Section 5)',
        'ResNet-D with the efficient recipe and each refinement added, as the paper\'s Table 6 (ResNet-50-D).',
        [ln for ln in cls_tables['6'] if not ln['beyond']])
    parts += _classifier_section(
        '### Beyond the paper (later practice, on top of Table 6\'s rows)',
        'Each line changes one thing of the row named in the reading below; the paper has no numbers for them.',
        beyond, beyond=True)
    parts += _reading_section(reading.comparisons(table['lines'], cls_tables))
    parts += ['', '### Runs', '', render_summary_markdown(run_summary(results))]
    report = dict(markdown='\n'.join(parts) + '\n', csv=_transfer_csv(table['lines']))
    out_dir = out_dir or osp.dirname(osp.abspath(results_path))
    os.makedirs(out_dir, exist_ok=True)
    for ext, key in (('md', 'markdown'), ('csv', 'csv')):
        report[f'{ext}_path'] = osp.join(out_dir, f'results_table.{ext}')
        with open(report[f'{ext}_path'], 'w', encoding='utf-8', newline='') as f:
            f.write(report[key])
    return report
