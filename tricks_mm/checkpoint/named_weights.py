"""Published ResNet weights by name, from the caches timm and torchvision download into (no network).

``init_cfg=dict(type='Pretrained', checkpoint='timm/resnet50d.gluon_in1k')`` or
``checkpoint='torchvision://resnet50'`` (mmdet's idiom) in a ``TricksResNet`` backbone:

* ``timm/<model>.<tag>``: the Hugging Face hub cache timm downloads into,
  ``$HF_HUB_CACHE`` (else ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``)
  ``/models--timm--<model>.<tag>/snapshots/<revision>/model.safetensors`` (or ``pytorch_model.bin``).
  timm's ``resnet50d.gluon_in1k``, ``resnet50c.gluon_in1k``, ``resnet101d.gluon_in1k`` and
  ``resnet152d.gluon_in1k`` are GluonCV's weights trained with the paper's tricks (Tables 5-6).
* ``torchvision://<model>[.<weights>]``: torch.hub's cache, ``$TORCH_HOME/hub/checkpoints/<file>``
  (``TORCH_HOME`` default ``~/.cache/torch``), file names as in torchvision's weights enums. As in
  mmengine, a bare ``resnet50`` means ``IMAGENET1K_V1`` (the paper's ResNet-50-B baseline, 76.1 top-1);
  ``resnet50.imagenet1k_v2`` or ``resnet50.default`` pick another enum member.

The state dict is mapped with :mod:`tricks_mm.models.converters` to classifier keys (``backbone.*``,
``head.fc.*``), so the usual ``prefix='backbone.'`` and no prefix (bare backbone keys) both work; the
strict key check of :func:`~tricks_mm.checkpoint.strict.load_pretrained_strict` runs afterwards.
A missing file is an error naming the exact path to put it at and where to download it.
"""
import glob
import os
import os.path as osp
import re
from collections import OrderedDict
from typing import Dict, NamedTuple, Optional

TIMM_PREFIX = 'timm/'
TORCHVISION_PREFIXES = ('torchvision://', 'modelzoo://')
_RESNET = re.compile(r'^resnet(\d+)([cd]?)$')
_VARIANT = {'': 'B', 'c': 'C', 'd': 'D'}


class NamedWeightsError(FileNotFoundError):
    """Named weights that are not in the local cache, or that name no ResNet we can convert."""


class NamedWeights(NamedTuple):
    name: str      # as written in the config
    source: str    # 'timm' or 'torchvision' (the converter to use)
    arch: str      # e.g. 'resnet50d'
    depth: int
    variant: str   # 'B', 'C' or 'D'
    path: str      # the cached file


def is_named_weights(checkpoint) -> bool:
    return isinstance(checkpoint, str) and checkpoint.startswith((TIMM_PREFIX,) + TORCHVISION_PREFIXES)


def _arch(name: str, arch: str, source: str):
    m = _RESNET.match(arch)
    if not m or int(m.group(1)) not in (18, 34, 50, 101, 152) or (source == 'torchvision' and m.group(2)):
        kinds = 'resnet<depth>[c|d]' if source == 'timm' else 'resnet<depth>'
        raise NamedWeightsError(f'{name!r}: {arch!r} is not a {source} ResNet tricks_mm can convert '
                                f'({kinds}, depth 18/34/50/101/152)')
    return int(m.group(1)), _VARIANT[m.group(2)]


def hf_hub_cache() -> str:
    """huggingface_hub's cache folder, from the same environment variables it reads."""
    for var in ('HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE'):
        if os.environ.get(var):
            return osp.expanduser(os.environ[var])
    hf_home = os.environ.get('HF_HOME') or osp.join(
        os.environ.get('XDG_CACHE_HOME') or osp.join('~', '.cache'), 'huggingface')
    return osp.join(osp.expanduser(hf_home), 'hub')


def _timm_file(name: str) -> NamedWeights:
    repo = name[len(TIMM_PREFIX):]
    if '.' not in repo:
        raise NamedWeightsError(f'{name!r}: name the pretrained tag too, as timm does on the hub, e.g. '
                                "'timm/resnet50d.gluon_in1k' (the paper's tricks, GluonCV) or "
                                "'timm/resnet50d.ra2_in1k'")
    arch = repo.split('.', 1)[0]
    depth, variant = _arch(name, arch, 'timm')
    folder = osp.join(hf_hub_cache(), 'models--timm--' + repo)
    snapshots = osp.join(folder, 'snapshots')
    candidates = []
    ref = osp.join(folder, 'refs', 'main')
    if osp.isfile(ref):
        with open(ref) as f:
            candidates.append(osp.join(snapshots, f.read().strip()))
    candidates += sorted(glob.glob(osp.join(glob.escape(snapshots), '*')), key=osp.getmtime, reverse=True)
    for snap in candidates:
        for file in ('model.safetensors', 'pytorch_model.bin'):
            if osp.isfile(osp.join(snap, file)):
                return NamedWeights(name, 'timm', arch, depth, variant, osp.join(snap, file))
    raise NamedWeightsError(
        f'{name!r} is not in the Hugging Face cache: no {snapshots}/<revision>/model.safetensors '
        f'(or pytorch_model.bin). Nothing is downloaded at run time. On a machine with internet run\n'
        f"  python -c \"import timm; timm.create_model('{repo}', pretrained=True)\"\n"
        f'(or `huggingface-cli download timm/{repo}`) and copy {folder} here, or put the file from '
        f'https://huggingface.co/timm/{repo} at {snapshots}/main/model.safetensors. '
        'The cache is $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub.')


def _torchvision_file(name: str) -> NamedWeights:
    import torch
    import torchvision
    key = name.split('://', 1)[1]
    arch, _, weights = key.partition('.')
    depth, variant = _arch(name, arch.lower(), 'torchvision')
    enum = torchvision.models.get_model_weights(arch.lower())
    members = {m.name.lower(): m for m in enum}
    members['default'] = enum.DEFAULT
    weights = (weights or 'imagenet1k_v1').lower()  # mmengine: a bare name is the 0.12-era V1 weights
    if weights not in members:
        raise NamedWeightsError(f'{name!r}: torchvision has no weights {weights!r} for {arch}; '
                                f'choose one of {sorted(members)}')
    url = members[weights].url
    path = osp.join(torch.hub.get_dir(), 'checkpoints', osp.basename(url))
    if not osp.isfile(path):
        raise NamedWeightsError(
            f'{name!r} is not in the torch.hub cache: {path} does not exist. Nothing is downloaded at run '
            f'time. Download {url} (e.g. `torchvision.models.{arch}(weights="{members[weights].name}")` on a '
            f'machine with internet) and put it at {path}. The cache is $TORCH_HOME/hub/checkpoints '
            '(TORCH_HOME default ~/.cache/torch).')
    return NamedWeights(name, 'torchvision', arch.lower(), depth, variant, path)


def resolve_named_weights(name: str) -> NamedWeights:
    """Where the cached file of ``name`` is, and which ResNet it holds; :class:`NamedWeightsError` if absent."""
    if name.startswith(TIMM_PREFIX):
        return _timm_file(name)
    if name.startswith(TORCHVISION_PREFIXES):
        return _torchvision_file(name)
    raise NamedWeightsError(f'{name!r} is not a named weight (timm/<model>.<tag> or torchvision://<model>)')


def read_state_dict(path: str) -> Dict:
    """A weights file: ``.safetensors`` (safetensors) or a torch file (weights-only, allow-listed)."""
    if path.endswith('.safetensors'):
        try:
            from safetensors.torch import load_file
        except ImportError:
            raise ImportError(f'reading {path} needs safetensors: pip install safetensors '
                              '(listed in requirements/runtime.txt)') from None
        return load_file(path)
    from .safe_load import safe_torch_load
    return safe_torch_load(path, map_location='cpu')


def load_named_weights(name: str, depth: Optional[int] = None, variant: Optional[str] = None,
                       backbone_only: bool = False) -> Dict:
    """The converted state dict of ``name`` (classifier keys, or bare backbone keys with ``backbone_only``).

    ``depth``/``variant`` (of the backbone it is meant for) must match the named model's; a mismatch is an
    error saying which to set rather than a key listing.
    """
    from tricks_mm.models.converters import convert_checkpoint
    found = resolve_named_weights(name)
    if (depth, variant) != (None, None) and (depth, variant) != (found.depth, found.variant):
        raise NamedWeightsError(
            f'{name!r} holds a ResNet-{found.depth}-{found.variant} ({found.source} {found.arch}), but the '
            f'backbone is a ResNet-{depth}-{variant}: set depth={found.depth}, '
            f"variant='{found.variant}' in the backbone (or name other weights)")
    return convert_checkpoint(read_state_dict(found.path), found.source, found.depth, found.variant,
                              backbone_only=backbone_only)


def load_checkpoint_or_named(path: str, map_location, module=None, prefix: Optional[str] = None):
    """What ``load_pretrained_strict`` loads: a named weight converted for ``module`` as an mmengine-style
    ``{'state_dict': ..., 'meta': ...}`` (classifier keys ``backbone.*``/``head.fc.*`` when ``prefix`` is
    given, e.g. ``'backbone.'``; bare backbone keys without a prefix, as mmdet's ``torchvision://``
    idiom), else mmengine's ``_load_checkpoint`` of the path (safe, weights-only)."""
    if not is_named_weights(path):
        from mmengine.runner.checkpoint import _load_checkpoint
        return _load_checkpoint(path, map_location=map_location)
    state = load_named_weights(path, getattr(module, 'depth', None), getattr(module, 'variant', None),
                               backbone_only=not prefix)
    return {'state_dict': OrderedDict(state), 'meta': dict(named_weights=path)}
