"""Strict loading of a (backbone) state dict: every key used, every shape right, or a readable error.

mmengine's ``Pretrained`` initializer loads with ``strict=False`` and only logs what it skipped, so a
classifier checkpoint that does not fit a detector's backbone trains from random weights unnoticed.
"""
from collections import OrderedDict
from typing import Dict, List, Mapping, NamedTuple, Sequence, Tuple

import torch
from mmengine.logging import print_log

from .named_weights import load_checkpoint_or_named


class CheckpointMismatchError(ValueError):
    """A checkpoint's keys or shapes do not fit the model it is loaded into."""


class KeyReport(NamedTuple):
    missing: List[str]
    unexpected: List[str]
    mismatched: List[Tuple[str, tuple, tuple]]  # key, shape in checkpoint, shape in model

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.mismatched)

    def format(self, limit: int = 20) -> str:
        def block(title, items):
            if not items:
                return []
            lines = [f'  {title} ({len(items)}):']
            lines += [f'    {item}' for item in items[:limit]]
            if len(items) > limit:
                lines.append(f'    ... and {len(items) - limit} more')
            return lines

        mism = [f'{k}: checkpoint {tuple(a)} vs model {tuple(b)}' for k, a, b in self.mismatched]
        return '\n'.join(block('missing in checkpoint', self.missing) +
                         block('unexpected in checkpoint', self.unexpected) +
                         block('shape mismatch', mism))


def compare_state_dicts(model_state: Mapping[str, torch.Tensor],
                        ckpt_state: Mapping[str, torch.Tensor]) -> KeyReport:
    """Keys the model has and the checkpoint lacks, the reverse, and shared keys of other shape."""
    missing = [k for k in model_state if k not in ckpt_state]
    unexpected = [k for k in ckpt_state if k not in model_state]
    mismatched = [(k, tuple(ckpt_state[k].shape), tuple(v.shape)) for k, v in model_state.items()
                  if k in ckpt_state and tuple(ckpt_state[k].shape) != tuple(v.shape)]
    return KeyReport(missing, unexpected, mismatched)


def extract_state_dict(checkpoint, prefix: str = None) -> Dict[str, torch.Tensor]:
    """The ``state_dict`` of an mmengine checkpoint (or a bare state dict), optionally only the
    keys under ``prefix`` with the prefix removed (e.g. ``'backbone.'``)."""
    state = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, Mapping) else None
    if not isinstance(state, Mapping):
        raise CheckpointMismatchError(
            f'the checkpoint holds a {type(checkpoint).__name__}, not a state dict')
    state = OrderedDict((k[7:] if k.startswith('module.') else k, v) for k, v in state.items())
    if prefix:
        prefix = prefix if prefix.endswith('.') else prefix + '.'
        sub = OrderedDict((k[len(prefix):], v) for k, v in state.items() if k.startswith(prefix))
        if not sub:
            heads = sorted({k.split('.')[0] + '.' for k in state})
            raise CheckpointMismatchError(
                f'no key starts with prefix {prefix!r}; the checkpoint\'s top-level prefixes are '
                f'{heads[:10]}. Set init_cfg.prefix to one of them (or None for a bare backbone).')
        state = sub
    return state


def split_ignored(state: Mapping[str, torch.Tensor], ignore_prefixes: Sequence[str]):
    """``state`` without the keys under any of ``ignore_prefixes``, and the count left out per prefix."""
    ignore_prefixes = tuple(ignore_prefixes)
    kept = OrderedDict((k, v) for k, v in state.items() if not k.startswith(ignore_prefixes))
    counts = {p: sum(k.startswith(p) for k in state) for p in ignore_prefixes}
    return kept, counts


def load_pretrained_strict(module: torch.nn.Module, init_cfg: dict, name: str = None) -> KeyReport:
    """Load ``init_cfg['checkpoint']`` (under ``init_cfg['prefix']``) into ``module``.

    ``init_cfg`` is mmengine's ``dict(type='Pretrained', checkpoint=..., prefix=..., map_location=...)``
    plus ``strict`` (default True) and ``ignore_prefixes`` (default none). Strict: any missing,
    unexpected or mis-shaped key raises :class:`CheckpointMismatchError` listing them.
    ``strict=False``: loads the keys that fit and logs the rest as a warning.

    ``ignore_prefixes`` (e.g. ``('layer4.',)``, after ``prefix`` is removed) names checkpoint keys that
    another module loads: the C4 detector's backbone leaves a classifier's ``layer4`` to its RoI shared
    head. They are left out of the comparison and counted in the log; a prefix that matches no key is an
    error when strict, so the declaration cannot go stale. ``name`` replaces the module's description
    in messages (for a submodule, e.g. the shared head's stage).
    """
    cfg = dict(init_cfg)
    if cfg.get('checkpoint') is None:
        raise KeyError(f"init_cfg of type 'Pretrained' needs a 'checkpoint' path, got {cfg} for "
                       f'{name or type(module).__name__}; set it (a classifier checkpoint), or set '
                       'init_cfg=None to initialise from scratch')
    path, prefix = cfg['checkpoint'], cfg.get('prefix')
    strict = cfg.get('strict', True)
    ignore_prefixes = cfg.get('ignore_prefixes') or ()
    if isinstance(ignore_prefixes, str):
        ignore_prefixes = (ignore_prefixes, )
    unknown = set(cfg) - {'type', 'checkpoint', 'prefix', 'map_location', 'strict', 'ignore_prefixes'}
    if unknown:
        raise KeyError(f'unknown keys {sorted(unknown)} in init_cfg {cfg}; allowed: checkpoint, '
                       'prefix, map_location, strict, ignore_prefixes')
    # named weights (timm/<model>.<tag>, torchvision://<model>) come converted from the local caches
    checkpoint = load_checkpoint_or_named(path, cfg.get('map_location', 'cpu'), module, prefix)
    try:
        state = extract_state_dict(checkpoint, prefix)
    except CheckpointMismatchError as e:
        raise CheckpointMismatchError(f'{name or type(module).__name__}: cannot load {path}: {e}') from None
    state, ignored = split_ignored(state, ignore_prefixes)
    report = compare_state_dicts(module.state_dict(), state)
    what = name or (f'{type(module).__name__} (variant/depth: '
                    f'{getattr(module, "variant", "?")}/{getattr(module, "depth", "?")})')
    where = f'{what} from {path} with prefix {prefix!r}'
    stale = [p for p, n in ignored.items() if n == 0]
    if stale and strict:
        raise CheckpointMismatchError(
            f'ignore_prefixes {stale} of {where} match no key of the checkpoint, so they ignore nothing: '
            'remove them from init_cfg.ignore_prefixes (or check the prefix).')
    if not report.ok and strict:
        raise CheckpointMismatchError(
            f'the checkpoint does not fit {where}:\n{report.format()}\n'
            'Check that the classifier and this backbone share depth and variant (and prefix). '
            'Keys that another module loads (a C4 backbone leaves layer4 to the RoI shared head) '
            "go in init_cfg.ignore_prefixes, e.g. ignore_prefixes=('layer4.',). "
            "To load only the keys that fit, add strict=False to the backbone's init_cfg.")
    fitting = {k: v for k, v in state.items()
               if k in module.state_dict() and tuple(v.shape) == tuple(module.state_dict()[k].shape)}
    module.load_state_dict(fitting, strict=False)
    if not report.ok:
        print_log(f'partial load (strict=False) into {where}:\n{report.format()}', logger='current',
                  level=30)
    else:
        left = ''.join(f'; left {n} tensors under {p!r} to another module' for p, n in ignored.items())
        print_log(f'loaded all {len(state)} tensors into {where}{left}', logger='current')
    return report


def check_checkpoint_fits(model: torch.nn.Module, filename: str) -> KeyReport:
    """Raise :class:`CheckpointMismatchError` (listing the keys) unless the checkpoint at ``filename``
    holds exactly the model's tensors: what ``tools/test.py`` must evaluate."""
    from mmengine.model import is_model_wrapper
    from mmengine.runner.checkpoint import _load_checkpoint
    model = model.module if is_model_wrapper(model) else model
    report = compare_state_dicts(model.state_dict(), extract_state_dict(_load_checkpoint(filename, 'cpu')))
    if not report.ok:
        raise CheckpointMismatchError(f'checkpoint {filename} does not fit the model:\n{report.format()}')
    return report
