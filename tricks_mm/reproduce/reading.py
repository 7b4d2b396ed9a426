"""The reading of a reproduction: each change the paper measures, ours beside the paper's, against the seed spread.

A comparison takes two lines of a table (a line and the line it changes) and one quantity, and gives the
paper's difference, ours (difference of the means over the done seeds) and the noise: the sum of the two
lines' sample stds. The rule, fixed before the runs (docs/small_scale_reproduction.md):

* a difference is read only when both lines have at least two done seeds;
* it is real only when it is larger than the noise; otherwise it is "inside the noise", whatever its sign;
* a real difference "agrees" with the paper when it has the paper's sign, else it is "against the paper";
  for a line beyond the paper it "helped" or "hurt".

Which lines are compared:

* Table 5 (Section 4): each ResNet variant against the one before it (A, B, C, D), as the paper builds them.
* Table 6 (Section 5): each refinement against the row it adds to (:data:`TABLE6_BASE`); a row beyond the
  paper against its spec row's ``compare_to``.
* Tables 8/9 (Section 6): each classifier against the one before it in the spec's order (weakest first), in
  top-1 and in every downstream quantity: the paper's claim is that the downstream numbers move with top-1.
"""
from typing import Dict, List, Optional

from .tables import METRICS, Stat

# Table 6: a refinement's row -> the row it is added to (the paper's text, Section 5 and Table 6)
TABLE6_BASE = {'+cosine': 'Efficient', '+label smoothing': '+cosine', '+distill w/o mixup': '+label smoothing',
               '+mixup w/o distill': '+label smoothing', '+distill w/ mixup': '+mixup w/o distill'}
ONE_SEED = 'not read: fewer than 2 seeds'
INSIDE = 'inside the noise'


def verdict(paper_delta: Optional[float], base: Optional[Stat], line: Optional[Stat]) -> str:
    """The reading of one comparison (module docstring)."""
    if base is None or line is None or base.n < 2 or line.n < 2:
        return ONE_SEED
    delta, noise = line.mean - base.mean, base.std + line.std
    if abs(delta) <= noise:
        return INSIDE
    if paper_delta is None:
        return 'helped' if delta > 0 else 'hurt'
    if paper_delta == 0:
        return 'real; the paper has no difference'
    return 'agrees with the paper' if (delta > 0) == (paper_delta > 0) else 'against the paper'


def compare(table: str, base: dict, line: dict, quantity: str, ours_key: str, paper_key: str) -> dict:
    """One comparison of ``line`` against ``base`` (lines of :mod:`.tables` or :mod:`.paper_layout`)."""
    a, b = base['ours'].get(ours_key), line['ours'].get(ours_key)
    pa, pb = base['paper'].get(paper_key), line['paper'].get(paper_key)
    paper_delta = pb - pa if None not in (pa, pb) and not line.get('beyond') else None
    both = a is not None and b is not None
    return dict(table=table, line=line['label'], base=base['label'], quantity=quantity, paper_delta=paper_delta,
                delta=b.mean - a.mean if both else None,
                noise=a.std + b.std if both and a.std is not None and b.std is not None else None,
                n=(a.n if a else 0, b.n if b else 0), verdict=verdict(paper_delta, a, b))


def comparisons(transfer: List[dict], classifier: Dict[str, List[dict]]) -> List[dict]:
    """Every comparison of a report: ``transfer`` are the Tables 8/9 lines (:func:`.tables.transfer_lines`),
    ``classifier`` the Tables 5/6 lines (:func:`.paper_layout.classifier_tables`)."""
    out = []
    t5 = classifier.get('5', [])
    for base, line in zip(t5, t5[1:]):
        if base['row'] != line['row']:  # one run standing for two variants is not compared with itself
            out.append(compare('5', base, line, 'top-1', 'accuracy/top1', 'top1'))
    t6 = classifier.get('6', [])
    by_paper_row = {ln['paper_row']: ln for ln in t6 if ln['paper_row']}
    by_row = {ln['row']: ln for ln in t6}
    for line in t6:
        base = (by_paper_row.get(TABLE6_BASE.get(line['paper_row'])) if line['paper_row']
                else by_row.get(line['compare_to']) if line['beyond'] else None)
        if base is not None:
            out.append(compare('6', base, line, 'top-1', 'accuracy/top1', 'top1'))
    for base, line in zip(transfer, transfer[1:]):
        for key, metric in METRICS.items():
            quantity = metric.header.replace(' ours', '')
            out.append(compare('8/9', base, line, quantity, key, key))
    return out


def summary(comps: List[dict]) -> str:
    """One sentence counting the verdicts, e.g. ``3 read: 2 agree with the paper, 1 inside the noise``."""
    read = [c for c in comps if c['verdict'] != ONE_SEED]
    if not read:
        return f'None of the {len(comps)} comparisons can be read yet: each needs 2 done seeds on both sides.'
    counts = {}
    for c in read:
        counts[c['verdict']] = counts.get(c['verdict'], 0) + 1
    parts = ', '.join(f'{n} {v}' for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f'{len(read)} of {len(comps)} comparisons read: {parts}.'
