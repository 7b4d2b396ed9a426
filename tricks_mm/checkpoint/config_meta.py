"""Compare a checkpoint's own config (``meta['cfg']``, written by mmengine's Runner) with the model a
config builds, for what key/shape checks cannot see.

ResNet-A and ResNet-B (paper Section 4, Figure 2) have exactly the same tensors: only which conv of
the downsampling block has stride 2 differs. A ResNet-50-B checkpoint therefore loads into a
``variant='A'`` model without a missing key and evaluates a different network. The checkpoint's
config text records the variant it was trained with.

The config text comes from the checkpoint, i.e. possibly from a stranger: it is parsed with
:mod:`ast` and only literal values are read; nothing in it is executed (``Config.fromstring`` would).
"""
import ast
from typing import Dict, List, Optional

BACKBONE_KEYS = ('type', 'depth', 'variant')


def _literal_dict(node) -> Optional[dict]:
    """A ``dict(k=v, ...)`` call or ``{...}`` literal as a dict of its literal values and sub-dicts."""
    out = {}
    if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'dict':
        items = [(kw.arg, kw.value) for kw in node.keywords if kw.arg]
    elif isinstance(node, ast.Dict):
        items = [(k.value, v) for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)]
    else:
        return None
    for key, value in items:
        sub = _literal_dict(value)
        if sub is not None:
            out[key] = sub
            continue
        try:
            out[key] = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            pass
    return out


def backbone_from_config_text(text: str) -> Optional[Dict]:
    """``model.backbone``'s type/depth/variant from a config's text (``None`` if not found)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'model' for t in node.targets):
            model = _literal_dict(node.value) or {}
            backbone = model.get('backbone')
            if isinstance(backbone, dict):
                return {k: backbone[k] for k in BACKBONE_KEYS if k in backbone}
    return None


def backbone_differences(checkpoint: dict, model_cfg: dict, keys=BACKBONE_KEYS) -> List[str]:
    """``model.backbone`` settings (``keys`` of type, depth, variant) in which the checkpoint's own config
    differs from ``model_cfg`` (the config's ``model``), as ``'key: checkpoint X, config Y'``."""
    meta = checkpoint.get('meta') if isinstance(checkpoint, dict) else None
    text = meta.get('cfg') if isinstance(meta, dict) else None
    if not isinstance(text, str):
        return []
    theirs = backbone_from_config_text(text)
    ours = (model_cfg or {}).get('backbone') or {}
    if not theirs:
        return []
    diffs = []
    for key in keys:
        if key in theirs and key in ours and str(theirs[key]).split('.')[-1] != str(ours[key]).split('.')[-1]:
            diffs.append(f'model.backbone.{key}: checkpoint {theirs[key]!r}, config {ours[key]!r}')
    return diffs
