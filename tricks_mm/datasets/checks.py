"""Check a config's data before training spends time on it: every bad file in one list.

Without it a corrupt JPEG stops a run when its batch comes, a validation label of the wrong size
fails inside ``IoUMetric`` after training, and a malformed XML, an RGB label map or a class count
that does not match the class folders end in raw library errors naming no file. :func:`check_data`
reads the datasets of ``train/val/test_dataloader`` the way mmpretrain/mmdet/mmseg would and checks:

* every image decodes completely (PIL, truncated files included);
* VOC: every XML parses, boxes are numbers inside the image and not degenerate, object names are
  among the classes (warning), ``num_classes`` of the box head equals the number of classes;
* segmentation: every label map is single-channel (not RGB), has its image's size, and holds only
  class indices or the ignore index; ``num_classes`` of the decode/auxiliary heads equals the classes;
* classification: ``num_classes`` of the head (and data preprocessor) equals the class folders.

``mode='auto'`` checks every file of a dataset up to ``max_full`` items and a fixed random sample of
``sample`` items above; ``'full'``, ``'sample'``, ``'off'``. ``tools/train.py`` runs it (config key
``data_check``); ``tools/misc/check_dataset.py CONFIG`` runs it alone.
"""
import os.path as osp
import random
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Dict, Iterator, List, NamedTuple, Optional

import numpy as np
from PIL import Image

SPLITS = ('train', 'val', 'test')


class DataCheckError(ValueError):
    """The data has files that training or evaluation would fail on."""


class Problem(NamedTuple):
    file: str
    message: str
    fatal: bool = True


class DataReport:
    """Problems found, and how many items were checked per dataset."""

    def __init__(self):
        self.problems: List[Problem] = []
        self.checked: Dict[str, str] = {}

    def add(self, file, message, fatal=True):
        self.problems.append(Problem(str(file), message, fatal))

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.fatal]

    @property
    def warnings(self) -> List[Problem]:
        return [p for p in self.problems if not p.fatal]

    def format(self, limit: int = 200) -> str:
        lines = [f'  {name}: {what}' for name, what in self.checked.items()]
        for title, items in (('errors', self.errors), ('warnings', self.warnings)):
            if items:
                lines.append(f'{len(items)} {title}:')
                lines += [f'  {p.file}: {p.message}' for p in items[:limit]]
                if len(items) > limit:
                    lines.append(f'  ... and {len(items) - limit} more')
        return '\n'.join(lines)

    def raise_if_errors(self, source: str) -> None:
        if self.errors:
            raise DataCheckError(
                f'{source}: the data check found {len(self.errors)} problem(s) that would stop or spoil '
                f'the run:\n{self.format()}\nFix or remove these files (tools/misc/check_dataset.py CONFIG '
                'lists them again). To skip unreadable training images with a warning instead, set '
                'skip_bad_images=True; to start without this check, set data_check="off".')


def leaf_datasets(ds_cfg) -> Iterator[dict]:
    """The plain dataset configs inside wrappers (ConcatDataset, RepeatDataset, ...)."""
    if not isinstance(ds_cfg, dict):
        return
    if 'datasets' in ds_cfg:
        for sub in ds_cfg['datasets']:
            yield from leaf_datasets(sub)
    elif 'dataset' in ds_cfg:
        yield from leaf_datasets(ds_cfg['dataset'])
    else:
        yield ds_cfg


def decode_problem(path: str) -> Optional[str]:
    """Why the image at ``path`` cannot be decoded completely (``None`` if it can)."""
    if not osp.isfile(path):
        return 'image file missing'
    try:
        with Image.open(path) as img:
            img.load()
    except Exception as e:  # PIL raises many types for bad files
        return f'image cannot be decoded ({type(e).__name__}: {e})'
    return None


def _heads_num_classes(model: dict, task: str) -> Dict[str, int]:
    """``num_classes`` of the heads that predict the data's classes, by config key."""
    out = {}
    if task == 'cls':
        for key, node in (('model.head', model.get('head')), ('data_preprocessor', model.get('data_preprocessor'))):
            if isinstance(node, dict) and isinstance(node.get('num_classes'), int):
                out[f'{key}.num_classes'] = node['num_classes']
    elif task == 'det':
        head = (model.get('roi_head') or {}).get('bbox_head', model.get('bbox_head'))
        heads = head if isinstance(head, (list, tuple)) else [head]
        for i, h in enumerate(heads):
            if isinstance(h, dict) and isinstance(h.get('num_classes'), int):
                key = 'model.roi_head.bbox_head' if 'roi_head' in model else 'model.bbox_head'
                out[f'{key}{f"[{i}]" if len(heads) > 1 else ""}.num_classes'] = h['num_classes']
    elif task == 'seg':
        for name in ('decode_head', 'auxiliary_head'):
            head = model.get(name)
            heads = head if isinstance(head, (list, tuple)) else [head]
            for i, h in enumerate(heads):
                if isinstance(h, dict) and isinstance(h.get('num_classes'), int):
                    out[f'model.{name}{f"[{i}]" if len(heads) > 1 else ""}.num_classes'] = h['num_classes']
    return out


def _task(ds_cfg: dict, scope: str) -> str:
    kind = str(ds_cfg.get('type', ''))
    if 'VOC' in kind or 'XML' in kind:
        return 'voc'
    prefix = ds_cfg.get('data_prefix')
    if scope == 'mmseg' or (isinstance(prefix, dict) and 'seg_map_path' in prefix):
        return 'seg'
    return 'det' if scope == 'mmdet' else 'cls'


def _pick(n: int, mode: str, max_full: int, sample: int) -> List[int]:
    if mode == 'full' or (mode == 'auto' and n <= max_full):
        return list(range(n))
    return sorted(random.Random(0).sample(range(n), min(sample, n)))


def _build(ds_cfg: dict, scope: str, lazy: bool):
    from mmengine.registry import DATASETS, init_default_scope
    init_default_scope(scope)
    cfg = dict(ds_cfg, pipeline=[], lazy_init=lazy)
    cfg.pop('indices', None)
    return DATASETS.build(cfg)


def _check_class_count(report, where, classes, model, task):
    for key, num in _heads_num_classes(model, task).items():
        if classes is not None and num != len(classes):
            report.add(f'config {key}', f'{num}, but the data ({where}) has {len(classes)} classes '
                       f'{tuple(classes)[:20]}; set {key}={len(classes)} (or list the classes the model '
                       'predicts in the dataset\'s metainfo=dict(classes=...))')


def _check_voc(report, ds, model, picks_of, skip_bad):
    classes = ds.metainfo.get('classes') or ()
    _check_class_count(report, ds.ann_file or ds.sub_data_root, classes, model, 'det')
    if ds.ann_file:
        if not osp.isfile(ds.ann_file):
            report.add(ds.ann_file, 'split list missing (ImageSets/Main/<split>.txt); '
                       'tools/dataset_converters/make_voc_splits.py writes one')
            return 0, 0
        with open(ds.ann_file) as f:
            ids = [ln.strip() for ln in f if ln.strip()]
    else:
        from .voc import list_voc_stems
        ids, _ = list_voc_stems(osp.join(ds.sub_data_root, ds.img_subdir), osp.join(ds.sub_data_root, ds.ann_subdir))
    unknown = Counter()
    picks = picks_of(len(ids))
    for i in picks:
        img_path = osp.join(ds.sub_data_root, ds.img_subdir, f'{ids[i]}.jpg')
        xml_path = osp.join(ds.sub_data_root, ds.ann_subdir, f'{ids[i]}.xml')
        bad = decode_problem(img_path)
        if bad:
            report.add(img_path, bad, fatal=not skip_bad)
            continue
        try:
            root = ET.parse(xml_path).getroot()
        except FileNotFoundError:
            report.add(xml_path, 'annotation XML missing')
            continue
        except ET.ParseError as e:
            report.add(xml_path, f'malformed XML ({e}); fix or remove the file and its id in {ds.ann_file}')
            continue
        with Image.open(img_path) as img:
            width, height = img.size
        for obj in root.findall('object'):
            name = (obj.findtext('name') or '').strip()
            if name not in classes:
                unknown[name] += 1
                continue
            box = obj.find('bndbox')
            try:
                x0, y0, x1, y1 = (float(box.findtext(k)) for k in ('xmin', 'ymin', 'xmax', 'ymax'))
            except (AttributeError, TypeError, ValueError):
                report.add(xml_path, f'object {name!r}: bndbox needs numeric xmin, ymin, xmax, ymax')
                continue
            if x1 <= x0 or y1 <= y0:
                report.add(xml_path, f'object {name!r}: degenerate box {(x0, y0, x1, y1)}', fatal=False)
            elif x0 < 0 or y0 < 0 or x1 > width + 1 or y1 > height + 1:
                report.add(xml_path, f'object {name!r}: box {(x0, y0, x1, y1)} lies outside the '
                           f'{width}x{height} image', fatal=False)
    if unknown:
        report.add(ds.ann_file or ds.sub_data_root, f'objects whose names are not among the classes '
                   f'{tuple(classes)} are ignored: {dict(unknown)}', fatal=False)
    return len(picks), len(ids)


def _check_seg(report, ds, model, picks_of, skip_bad):
    classes = ds.metainfo.get('classes') or ()
    where = ds.data_prefix.get('seg_map_path', ds.data_root)
    _check_class_count(report, where, classes, model, 'seg')
    ignore = (model.get('decode_head') or {}).get('ignore_index', 255) if isinstance(model.get('decode_head'), dict) \
        else 255
    num = len(classes)
    picks = picks_of(len(ds))
    for i in picks:
        info = ds.get_data_info(i)
        img_path, seg_path = info['img_path'], info.get('seg_map_path')
        bad = decode_problem(img_path)
        if bad:
            report.add(img_path, bad, fatal=not skip_bad)
            continue
        bad = decode_problem(seg_path) if seg_path else 'label map missing'
        if bad:
            report.add(seg_path, bad.replace('image', 'label map'))
            continue
        with Image.open(img_path) as img, Image.open(seg_path) as label:
            size, mode = img.size, label.mode
            if mode not in ('L', 'P', 'I', 'I;16', '1'):
                report.add(seg_path, f'label map saved as {mode} ({len(label.getbands())} channels); a label '
                           'map holds one class index per pixel: save it single-channel (mode L or P)')
                continue
            if label.size != size:
                report.add(seg_path, f'label map is {label.size[0]}x{label.size[1]} but its image {img_path} is '
                           f'{size[0]}x{size[1]}; they must be the same size')
                continue
            values = np.unique(np.asarray(label))
        if info.get('reduce_zero_label', getattr(ds, 'reduce_zero_label', False)):
            values = np.where(values == 0, 255, values.astype(np.int64) - 1)
            values = np.where(values == 254, 255, values)
        out = [int(v) for v in values if v >= num and v != ignore]
        if out and num:
            report.add(seg_path, f'label values {out} outside the {num} classes (valid: 0..{num - 1} and '
                       f'{ignore} = ignore' + (', after reduce_zero_label: file value v means class v-1' if
                                             info.get('reduce_zero_label') else '') + ')')
    return len(picks), len(ds)


def _check_images(report, ds, model, picks_of, skip_bad):
    classes = ds.metainfo.get('classes')
    where = getattr(ds, 'data_prefix', None) or getattr(ds, 'data_root', '')
    where = where.get('img_path', ds.data_root) if isinstance(where, dict) else where
    if classes is not None:
        _check_class_count(report, where, classes, model, 'cls')
    picks = picks_of(len(ds))
    for i in picks:
        path = ds.get_data_info(i).get('img_path')
        bad = decode_problem(path) if path else None
        if bad:
            report.add(path, bad, fatal=not skip_bad)
    return len(picks), len(ds)


def check_data(cfg, mode: str = 'auto', max_full: int = 2000, sample: int = 500,
               splits=SPLITS, skip_bad_images: bool = False) -> DataReport:
    """Check the datasets of ``cfg``'s data loaders (see the module doc); never raises for bad files,
    returns them in a :class:`DataReport`. Training images that do not decode are warnings, not
    errors, with ``skip_bad_images=True``."""
    if mode not in ('auto', 'full', 'sample', 'off'):
        raise ValueError(f"data_check mode must be 'auto', 'full', 'sample' or 'off', got {mode!r}")
    report = DataReport()
    if mode == 'off':
        return report
    scope, model = cfg.get('default_scope', 'mmengine'), cfg.get('model') or {}
    seen = []
    for split in splits:
        loader = cfg.get(f'{split}_dataloader')
        if not loader or not loader.get('dataset'):
            continue
        for k, leaf in enumerate(leaf_datasets(loader['dataset'])):
            if leaf in seen:
                continue
            seen.append(leaf)
            task = _task(leaf, scope)
            name = f'{split}_dataloader.dataset' + (f'[{k}]' if 'datasets' in loader['dataset'] else '')
            try:
                ds = _build(leaf, scope, lazy=task == 'voc')
            except Exception as e:
                report.add(name, f'cannot be read: {type(e).__name__}: {e}')
                continue
            check = {'voc': _check_voc, 'seg': _check_seg}.get(task, _check_images)
            skip = skip_bad_images and split == 'train'
            done, total = check(report, ds, model, lambda n: _pick(n, mode, max_full, sample), skip)
            report.checked[name] = f'{type(ds).__name__}, {done} of {total} items checked'
    # one message per class-count problem even when several datasets share the head
    report.problems = list(dict.fromkeys(report.problems))
    return report
