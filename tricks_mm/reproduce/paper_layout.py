"""Our classifier rows in the layout of the paper's Table 5 (ResNet tweaks, Section 4) and Table 6 (training
refinements, Section 5), with the paper's ResNet-50 numbers beside them.

Which paper line a row stands for is one fact, kept in the metafiles: a config's ``Paper Rows`` (full scale)
or ``Mirrors`` (small scale) name ``Table: '5'`` / ``Table: '6'`` rows, and ``Beyond Paper`` marks a trick
the paper has no row for (issue 14), shown under Table 6 and read against the spec row's ``compare_to``.
A run is found here through its row's ``config``; a row whose config no metafile lists is in neither table.
"""
import os.path as osp
from typing import Dict, List, Optional

from .records import Results
from .tables import Stat, metric_value, stat

TOP1, TOP5 = 'accuracy/top1', 'accuracy/top5'


def models_by_config(models: Optional[List[dict]] = None) -> Dict[str, dict]:
    """``{config path: metafile model}`` (paths normalised, relative to the checkout)."""
    if models is None:
        from .metafile import models as load_models
        models = load_models()
    return {osp.normpath(m['Config']): m for m in models}


def _ours(row) -> Dict[str, Optional[Stat]]:
    runs = row.done_runs()
    return {key: stat([v for v in (metric_value(r.metrics, key) for r in runs) if v is not None])
            for key in (TOP1, TOP5)}


def _paper_rows(model: dict, table: str) -> List[str]:
    return [m['Row'] for m in (model.get('Paper Rows') or model.get('Mirrors') or []) if str(m.get('Table')) == table]


def classifier_tables(results, paper: dict, models: Optional[Dict[str, dict]] = None) -> Dict[str, List[dict]]:
    """``{'5': lines, '6': lines}``. A line: ``label``, ``row``, ``paper_row`` (the paper's row name, None for
    a row the paper has not), ``beyond`` (the metafile's text, for a trick beyond the paper), ``compare_to``,
    ``ours`` (``accuracy/top1``/``top5`` -> :class:`Stat` or None) and ``paper`` (``top1``/``top5``).

    Table 5 lists the paper's variants in its order; one run can stand for two of them (ResNet-18's basic
    blocks make A and B the same network). Table 6 lists the paper's rows in its order, then rows the paper's
    table has not (the distillation teacher), then the rows beyond the paper in spec order."""
    models = models_by_config() if models is None else models
    t5 = paper.get('table5', {}).get('rows', {})
    t6 = paper.get('table6', {}).get('rows', {})
    by_model = {v.get('model'): k for k, v in t5.items()}  # 'ResNet-50-B' -> 'B'
    found5, found6, extra6, beyond = {}, {}, [], []
    for row in Results.coerce(results).rows:
        model = models.get(osp.normpath(row.config)) if row.task == 'cls' else None
        if model is None:
            continue
        base = dict(label=row.title, row=row.name, ours=_ours(row), compare_to=row.compare_to, beyond=None)
        for name in _paper_rows(model, '5'):
            key = by_model.get(name, name)
            found5.setdefault(key, dict(base, paper_row=key, paper=dict(t5.get(key, {}))))
        for name in _paper_rows(model, '6'):
            line = dict(base, paper_row=name if name in t6 else None, paper=dict(t6.get(name, {})))
            (found6.setdefault(name, line) if name in t6 else extra6.append(line))
        if model.get('Beyond Paper'):
            beyond.append(dict(base, paper_row=None, beyond=model['Beyond Paper'], paper={}))
    return {'5': [found5[k] for k in t5 if k in found5],
            '6': [found6[k] for k in t6 if k in found6] + extra6 + beyond}
