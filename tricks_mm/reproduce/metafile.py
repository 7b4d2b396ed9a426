"""The paper's rows in one place: ``configs/*/metafile.yml`` (OpenMMLab's metafile format).

Each metafile lists ``Collections`` (the dataset, the paper, notes on the paper's own inconsistencies) and
``Models``, one per config::

    - Name: resnet50-d_8xb128-efficient-cos-120e_in1k
      In Collection: ImageNet
      Config: configs/imagenet/resnet50-d_8xb128-efficient-cos-120e_in1k.py
      Paper Rows: [{Table: '6', Row: '+cosine'}, {Table: '8/9', Row: '+cosine'}]   # or Mirrors: (small scale)
      # or Beyond Paper: 'RICAP, beta 0.3 (Takahashi et al., ACML 2018)' for a trick in none of the paper's tables
      Metadata: {Variant: D, Depth: 50, GPUs: 8, Batch Size: 1024, Epochs: 120, LR: 0.4, Tricks: [...], ...}
      Results:                       # Source: paper (arXiv:1812.01187v2) or ours (a measured run)
        - {Task: Image Classification, Dataset: ImageNet-1k, Source: paper, Table: '6', Row: '+cosine',
           Metrics: {Top 1 Accuracy: 77.91, Top 5 Accuracy: 93.81}}

This module reads them, derives the same ``Metadata`` from a loaded config (:func:`config_metadata`, so a
test can hold every config to its declared row), rebuilds the paper-number tables the runner's reports use
(:func:`paper_numbers`) and renders the README's config tables (:func:`readme_tables`).
"""
import glob
import math
import os.path as osp
import re
from typing import Dict, List, Optional

import yaml

from ..utils.paths import package_root

REPO = package_root()  # the checkout, or tricks_mm/.mim where a wheel carries configs/ (OpenMMLab's layout)
METAFILE_DIRS = ('imagenet', 'voc', 'ade20k', 'imagenette', 'small')
UNITS = ('All accuracies, mAP, mIoU and pixel accuracies in percent; params in millions, FLOPs in G '
         '(as printed in the paper).')
# Metric names of the metafiles -> keys of the runner's tables (tricks_mm.reproduce.tables.METRICS)
TRANSFER_KEYS = {('8', 'mAP'): 'voc_mAP', ('9', 'mIoU'): 'ade_mIoU', ('9', 'aAcc'): 'ade_pixacc'}


class MetafileError(ValueError):
    """A metafile that is malformed or disagrees with itself."""


# ----------------------------------------------------------------------------- reading
def metafile_paths(repo: str = REPO) -> List[str]:
    paths = [osp.join(repo, 'configs', d, 'metafile.yml') for d in METAFILE_DIRS]
    missing = [p for p in paths if not osp.isfile(p)]
    if missing:
        raise MetafileError(f'metafile(s) missing: {missing}')
    extra = sorted(set(glob.glob(osp.join(repo, 'configs', '*', 'metafile.yml'))) - set(paths))
    return paths + extra


def load_metafile(path: str) -> dict:
    with open(path, encoding='utf-8') as f:
        data = yaml.safe_load(f)
    if not isinstance(data, dict) or not data.get('Models') or not data.get('Collections'):
        raise MetafileError(f'{path}: needs `Collections:` and `Models:` lists')
    names = {c['Name'] for c in data['Collections']}
    for m in data['Models']:
        for key in ('Name', 'In Collection', 'Config', 'Metadata'):
            if key not in m:
                raise MetafileError(f'{path}: model {m.get("Name", "?")!r} has no `{key}`')
        if m['In Collection'] not in names:
            raise MetafileError(f'{path}: model {m["Name"]!r}: collection {m["In Collection"]!r} is not listed')
        if osp.splitext(osp.basename(m['Config']))[0] != m['Name']:
            raise MetafileError(f'{path}: model {m["Name"]!r}: its Config {m["Config"]} has another name')
        if not any(key in m for key in ('Paper Rows', 'Mirrors', 'Beyond Paper')):
            raise MetafileError(f'{path}: model {m["Name"]!r} needs `Paper Rows` (a paper row), `Mirrors` (the paper '
                                'row a small-scale config stands in for) or `Beyond Paper` (a trick the paper '
                                'does not have: which one, and its source)')
        rows = {(r['Table'], r['Row']) for r in m.get('Paper Rows') or []}
        for r in m.get('Results') or []:
            if r.get('Source') == 'paper' and (r.get('Table'), r.get('Row')) not in rows:
                raise MetafileError(f'{path}: model {m["Name"]!r}: paper result Table {r.get("Table")} row '
                                    f'{r.get("Row")!r} is not one of its `Paper Rows`')
    return data


def load_all(repo: str = REPO) -> Dict[str, dict]:
    """``{metafile folder: metafile}`` for every folder of :data:`METAFILE_DIRS` (and any other one)."""
    return {osp.basename(osp.dirname(p)): load_metafile(p) for p in metafile_paths(repo)}


def models(repo: str = REPO) -> List[dict]:
    return [m for data in load_all(repo).values() for m in data['Models']]


def paper_results(model: dict, table: Optional[str] = None) -> List[dict]:
    return [r for r in model.get('Results') or []
            if r.get('Source') == 'paper' and (table is None or r.get('Table') == table)]


# ----------------------------------------------------------------------------- the paper's tables
def paper_numbers(repo: str = REPO) -> dict:
    """The paper's published numbers in the layout the runner's tables read (``load_paper``): ``source``,
    ``units``, ``notes``, ``table4`` (row -> bs256/bs1024 -> top1/top5), ``table5`` (variant -> model, params,
    FLOPs, top1, top5), ``table6`` and ``tables_8_9`` (row -> top1, voc_mAP, ade_pixacc, ade_mIoU)."""
    data = load_all(repo)
    collections = [c for d in data.values() for c in d['Collections']]
    out = dict(source=collections[0]['Paper']['Numbers'], units=UNITS,
               notes=[n for c in collections for n in c.get('Notes') or []],
               table4=dict(rows={}), table5=dict(rows={}), table6=dict(rows={}), tables_8_9=dict(rows={}))

    def put(table_rows, row, key, value, where):
        cell = table_rows.setdefault(row, {})
        if key in cell and cell[key] != value:
            raise MetafileError(f'{where}: {key} of row {row!r} is {value}, elsewhere {cell[key]}')
        cell[key] = value

    for m in (m for d in data.values() for m in d['Models']):
        for r in paper_results(m):
            metrics, table, row = r['Metrics'], r['Table'], r['Row']
            where = f'{m["Config"]} Table {table}'
            if table == '4':
                column = r['Column'].replace('BS=', 'bs')
                put(out['table4']['rows'].setdefault(row, {}), column, 'top1', metrics['Top 1 Accuracy'], where)
                out['table4']['rows'][row][column]['top5'] = metrics['Top 5 Accuracy']
            elif table == '5':
                variant = m['Metadata']['Variant']
                for key, value in (('model', row), ('params_M', metrics['Params (M)']),
                                   ('flops_G', metrics['FLOPs (G)']), ('top1', metrics['Top 1 Accuracy']),
                                   ('top5', metrics['Top 5 Accuracy'])):
                    put(out['table5']['rows'], variant, key, value, where)
            elif table == '6':
                put(out['table6']['rows'], row, 'top1', metrics['Top 1 Accuracy'], where)
                put(out['table6']['rows'], row, 'top5', metrics['Top 5 Accuracy'], where)
            elif table == '8/9':
                put(out['tables_8_9']['rows'], row, 'top1', metrics['Top 1 Accuracy'], where)
            elif table in ('8', '9'):
                for name, value in metrics.items():
                    put(out['tables_8_9']['rows'], row, TRANSFER_KEYS[table, name], value, where)
    return out


# ----------------------------------------------------------------------------- settings of a config
RUN_NAME = re.compile(r'_(\d+)xb(\d+)-')


def gpus_and_batch(name: str):
    """``(GPUs, images per GPU)`` from an OpenMMLab config name (``..._8xb32-...``); None when absent."""
    m = RUN_NAME.search(name)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _short(type_name) -> str:
    return str(type_name).split('.')[-1]


def _checkpoint_config(path: str) -> str:
    """``<root>/<config name>/epoch_<n>.pth`` -> the config name."""
    return osp.basename(osp.dirname(path))


def _schedule(cfg, meta: dict, name: str) -> None:
    gb = gpus_and_batch(name)
    if gb is not None:
        meta['GPUs'] = gb[0]
        meta['Batch Size'] = gb[0] * cfg.train_dataloader.batch_size
    meta['LR'] = cfg.optim_wrapper.optimizer.lr
    meta['Schedulers'] = [_short(s['type']) for s in cfg.param_scheduler]


def _fc_init(head) -> str:
    init = head.get('init_cfg')
    if init is None:
        return 'normal(0.01)'  # mmpretrain's LinearClsHead default
    kind = _short(init['type']).lower()
    if kind == 'xavier' and init.get('distribution', 'normal') == 'uniform' and init.get('layer') == 'Linear':
        return 'xavier'
    return str(dict(init))


# batch augment type -> (trick, metadata key, parameter): mixup is the paper's (Section 5.4); CutMix (Yun et al. 2019)
# and RICAP (Takahashi et al. 2018) are not in its tables
BATCH_AUGMENT_KEYS = {'Mixup': ('mixup', 'Mixup Alpha', 'alpha'), 'CutMix': ('cutmix', 'CutMix Alpha', 'alpha'),
                      'RICAP': ('ricap', 'RICAP Beta', 'beta')}


def _pipeline_tricks(cfg) -> tuple:
    """``(tricks, metadata)`` of the training pipeline's augmentations beyond the paper's baseline (Section 2.1):
    AutoAugment (Cubuk et al. 2019, mmpretrain's policy and operations), Cutout (DeVries & Taylor 2017) and Random
    Erasing (Zhong et al. 2020), all three through ``tricks_mm``'s transforms (``datasets/transforms/``)."""
    tricks, extra = [], {}
    for t in cfg.train_dataloader.dataset.get('pipeline') or []:
        kind = _short(t['type'])
        if kind == 'AutoAugment':
            if not t['type'].startswith('tricks_mm.'):
                raise MetafileError(f'{t["type"]}: use tricks_mm.AutoAugment (mmpretrain 1.2.0\'s drops `hparams`)')
            tricks.append('autoaugment')
            extra['AutoAugment Policy'] = t['policies'] if isinstance(t['policies'], str) else 'custom'
        elif kind == 'Cutout':
            if not t['type'].startswith('tricks_mm.'):
                raise MetafileError(f'{t["type"]}: use tricks_mm.Cutout (the paper\'s clipping at every border)')
            tricks.append('cutout')
            extra['Cutout'] = dict(Size=t['size'], Probability=t.get('prob', 1.0))
        elif kind == 'RandomErasing':
            if not t['type'].startswith('tricks_mm.'):
                raise MetafileError(f'{t["type"]}: use tricks_mm.RandomErasing (Algorithm 1 of Zhong et al.)')
            tricks.append('random erasing')
            extra['Random Erasing'] = dict(
                Probability=t.get('prob', 0.5), Area=[round(v, 3) for v in t.get('area_ratio', (0.02, 0.4))],
                Aspect=[round(v, 3) for v in t.get('aspect_ratio', (0.3, 1 / 0.3))], Fill=t.get('fill', 'random'),
                Placement=t.get('placement', 'algorithm'))
    return tricks, extra


def classifier_metadata(cfg, name: str) -> dict:
    """The ``Metadata`` a classifier config really sets (keys as in the metafiles)."""
    model, backbone = cfg.model, cfg.model.backbone
    meta = dict(Variant=backbone.variant, Depth=backbone.depth)
    _schedule(cfg, meta, name)
    meta['Epochs'] = cfg.train_cfg.max_epochs
    optimizer = cfg.optim_wrapper.optimizer
    meta['Optimizer'] = _short(optimizer.type) + (' (Nesterov)' if optimizer.get('nesterov') else '')
    sched, tricks = meta['Schedulers'], []
    if 'LinearWarmupLR' in sched:
        tricks.append('warmup')
    if backbone.get('zero_init_residual'):
        tricks.append('zero gamma')
    paramwise = cfg.optim_wrapper.get('paramwise_cfg') or {}
    if paramwise.get('norm_decay_mult') == 0 and paramwise.get('bias_decay_mult') == 0:
        tricks.append('no bias decay')
    if _short(cfg.optim_wrapper.get('type', 'OptimWrapper')) in ('AmpOptimWrapper', 'BF16OptimWrapper'):
        tricks.append('fp16')
    if 'CosineDecayLR' in sched:
        tricks.append('cosine')
    loss = model.head.loss
    extra = {}
    if _short(loss.type) == 'LabelSmoothLoss':
        tricks.append('label smoothing')
        extra['Label Smoothing'] = dict(Epsilon=loss.label_smooth_val, Mode=loss.get('mode', 'original'))
    augments = (model.get('train_cfg') or {}).get('augments')
    if augments:
        augments = augments if isinstance(augments, (list, tuple)) else [augments]
        kinds = [_short(a['type']) for a in augments]
        if len(kinds) != 1 or kinds[0] not in BATCH_AUGMENT_KEYS:
            raise MetafileError(f'{name}: batch augments {augments}: one of {sorted(BATCH_AUGMENT_KEYS)} expected')
        trick, key, param = BATCH_AUGMENT_KEYS[kinds[0]]
        tricks.append(trick)
        extra[key] = augments[0][param]
    if _short(model.type) == 'DistillImageClassifier':
        tricks.append('distillation')
        teacher = model.teacher
        extra['Teacher'] = osp.splitext(osp.basename(teacher))[0] if isinstance(teacher, str) else dict(teacher)
        extra['Temperature'] = model.get('temperature', 20.0)
    if _short(optimizer.type) == 'AdaBound':  # Luo et al. 2019 (not in the paper's tables)
        tricks.append('adabound')
        extra['Final LR'] = optimizer.final_lr
        extra['Gamma'] = optimizer.get('gamma', 1e-3)
    if backbone.get('init', 'kaiming') == 'kaiming':  # He et al. 2015 instead of the paper's Xavier (Section 2.1)
        tricks.append('kaiming init')
    pipeline_tricks, pipeline_extra = _pipeline_tricks(cfg)
    tricks += pipeline_tricks
    extra.update(pipeline_extra)
    meta['Tricks'] = tricks
    meta.update(extra)
    meta['Init'] = f'conv {backbone.get("init", "kaiming")}, fc {_fc_init(model.head)}'
    return meta


def transfer_metadata(cfg, name: str) -> dict:
    """The ``Metadata`` a detection or segmentation config really sets."""
    model, backbone = cfg.model, cfg.model.backbone
    init = backbone.get('init_cfg') or {}
    if _short(model.type) == 'FasterRCNN':
        shared = (model.roi_head or {}).get('shared_head')
        arch = 'Faster R-CNN C4' if shared else 'Faster R-CNN + ' + _short(model.neck.type)
    else:  # FCN-D8: output stride = the stem's 4 x the stage strides (Section 6.2: stages 3, 4 dilated)
        arch = _short(model.decode_head.type).replace('Head', '') + f'-D{4 * math.prod(backbone.strides)}'
    meta = dict(Architecture=arch, Variant=backbone.variant, Depth=backbone.depth,
                Classifier=_checkpoint_config(init['checkpoint']) if init.get('checkpoint') else None)
    _schedule(cfg, meta, name)
    train = cfg.train_cfg
    if 'max_epochs' in train:
        meta['Epochs'] = train.max_epochs
        dataset = cfg.train_dataloader.dataset
        meta['Passes'] = train.max_epochs * (dataset.times if dataset.get('type') == 'RepeatDataset' else 1)
    else:
        meta['Iterations'] = train.max_iters
        meta['Crop Size'] = list(model.data_preprocessor.size)
    return meta


def config_metadata(cfg, name: str) -> dict:
    """Dispatch on the config's scope: mmpretrain -> classifier, mmdet/mmseg -> transfer."""
    return classifier_metadata(cfg, name) if cfg.get('default_scope') == 'mmpretrain' else \
        transfer_metadata(cfg, name)


# ----------------------------------------------------------------------------- README tables
def _rows_text(model: dict) -> str:
    rows = model.get('Paper Rows') or model.get('Mirrors') or []
    if not rows and model.get('Beyond Paper'):
        return f'not in the paper: {model["Beyond Paper"]}'
    parts = []
    for r in rows:
        table = 'Tables 8/9' if r['Table'] == '8/9' else f'Table {r["Table"]}'
        parts.append(f'{table} "{r["Row"]}"' + (f' ({r["Column"]})' if r.get('Column') else ''))
    return '; '.join(parts) or '–'


def _numbers_text(model: dict) -> str:
    """The paper's numbers of a model, once per distinct value set, with the table they come from."""
    seen, parts = set(), []
    for r in paper_results(model):
        metrics = {k: v for k, v in r['Metrics'].items() if k not in ('Params (M)', 'FLOPs (G)')}
        text = ' / '.join(f'{v:.2f}' for v in metrics.values())
        if text not in seen:
            seen.add(text)
            parts.append(f'{text} (T{r["Table"]})')
    ours = [r for r in model.get('Results') or [] if r.get('Source') == 'ours']
    parts += ['ours ' + ' / '.join(f'{v:.2f}' for v in r['Metrics'].values()) for r in ours]
    return '; '.join(parts) or '–'


def _tricks_text(meta: dict) -> str:
    tricks = []
    for t in meta.get('Tricks') or []:
        if t == 'label smoothing':
            t += f' ({meta["Label Smoothing"]["Mode"]})'
        elif t == 'mixup':
            t += f' α={meta["Mixup Alpha"]}'
        elif t == 'cutmix':
            t = f'CutMix α={meta["CutMix Alpha"]}'
        elif t == 'ricap':
            t = f'RICAP β={meta["RICAP Beta"]}'
        elif t == 'adabound':
            t = f'AdaBound (final lr {meta["Final LR"]:g}, γ={meta["Gamma"]:g})'
        elif t == 'distillation':
            t += f' T={meta["Temperature"]:g} from `{meta["Teacher"]}`'
        elif t == 'autoaugment':
            t = f'AutoAugment ({meta["AutoAugment Policy"]} policy)'
        elif t == 'cutout':
            t += f' {meta["Cutout"]["Size"]} px'
        elif t == 'random erasing':
            t += f' p={meta["Random Erasing"]["Probability"]:g}'
        tricks.append(t)
    return ', '.join(tricks) or 'none'


def _link(model: dict) -> str:
    return f'[`{model["Name"]}`]({model["Config"]})'


def _md(header: List[str], body: List[List[str]]) -> str:
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    lines += ['| ' + ' | '.join(str(c).replace('|', '\\|') for c in cells) + ' |' for cells in body]
    return '\n'.join(lines)


def _classifier_table(items: List[dict], small: bool = False) -> str:
    body = [[_link(m), _rows_text(m), f'{m["Metadata"]["Depth"]}-{m["Metadata"]["Variant"]}',
             f'{m["Metadata"]["GPUs"]}×{m["Metadata"]["Batch Size"] // m["Metadata"]["GPUs"]}',
             m['Metadata']['Epochs'], f'{m["Metadata"]["LR"]:g}', _tricks_text(m['Metadata']), _numbers_text(m)]
            for m in items]
    return _md(['config', 'mirrors' if small else 'paper row', 'ResNet', 'GPUs×batch', 'epochs', 'lr', 'tricks',
                'ours top-1 / top-5' if small else 'paper top-1 / top-5'], body)


def _transfer_table(items: List[dict], small: bool = False) -> str:
    body = []
    for m in items:
        meta = m['Metadata']
        length = f'{meta["Epochs"]} ep ({meta["Passes"]} passes)' if 'Epochs' in meta else \
            f'{meta["Iterations"]} it, crop {meta["Crop Size"][0]}×{meta["Crop Size"][1]}'
        body.append([_link(m), _rows_text(m), meta['Architecture'], f'{meta["Depth"]}-{meta["Variant"]}',
                     f'`{meta["Classifier"]}`', f'{meta["GPUs"]}×{meta["Batch Size"] // meta["GPUs"]}', length,
                     f'{meta["LR"]:g}', _numbers_text(m)])
    metric = 'mAP' if all('Epochs' in m['Metadata'] for m in items) else \
        'mIoU / pixAcc' if all('Iterations' in m['Metadata'] for m in items) else 'mAP or mIoU / pixAcc'
    metric = ('ours ' if small else 'paper ') + metric
    return _md(['config', 'mirrors' if small else 'paper row', 'model', 'ResNet', 'backbone from', 'GPUs×batch', 'schedule', 'lr', metric],
               body)


def readme_tables(repo: str = REPO) -> Dict[str, str]:
    """``{marker name: Markdown table}``: one table per metafile folder (VOC split into FPN and C4)."""
    data = load_all(repo)
    out = {}
    for folder, meta in data.items():
        items = meta['Models']
        small = all('Paper Rows' not in m for m in items)
        if folder in ('imagenet', 'imagenette'):
            out[folder] = _classifier_table(items, small)
        elif folder == 'voc':
            for arch, key in (('Faster R-CNN + FPN', 'voc-fpn'), ('Faster R-CNN C4', 'voc-c4')):
                out[key] = _transfer_table([m for m in items if m['Metadata']['Architecture'] == arch])
        else:
            out[folder] = _transfer_table(items, small)
    return out


BEGIN, END = '<!-- metafile:{} begin (tools/misc/gen_readme_tables.py) -->', '<!-- metafile:{} end -->'


def render_readme(text: str, tables: Dict[str, str]) -> str:
    """``text`` with the content between each table's begin/end markers replaced by the table."""
    for key, table in tables.items():
        begin, end = BEGIN.format(key), END.format(key)
        pattern = re.compile(re.escape(begin) + r'\n.*?' + re.escape(end), re.S)
        if not pattern.search(text):
            raise MetafileError(f'README has no block `{begin}` ... `{end}` for the {key} table; add the two '
                                'marker lines where the table belongs')
        text = pattern.sub(lambda _: f'{begin}\n{table}\n{end}', text)
    return text
