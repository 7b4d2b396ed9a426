"""Pascal VOC-layout detection data that users bring (paper Section 6.1 transfers to VOC).

mmdet's ``VOCDataset`` trusts the XML: a ``<size>`` of 0x0 (or simply wrong) corrupts box
rescaling, a degenerate box (``xmax <= xmin``) reaches the loss, and an object whose name is not
among the classes is skipped silently. :class:`VOCLayoutDataset` takes the size from the image
header, drops degenerate boxes with one summary warning (count and files), and reports unknown
class names once. Classes come from the config (``metainfo=dict(classes=...)``); without metainfo the
classes are mmdet's 20 Pascal VOC names.
Images in gray, palette or RGBA mode are decoded to 3-channel colour by ``LoadImageFromFile``
(OpenCV's IMREAD_COLOR), which the tests check.

``img_subdir``/``ann_subdir`` (mmdet's) may be ``''`` for folders with ``<stem>.jpg`` and
``<stem>.xml`` side by side; ``tools/dataset_converters/make_voc_splits.py`` writes the split
lists (``ImageSets/Main``-style) for folders that have none; with ``ann_file=''`` the dataset lists
every image that has an XML itself.
"""
import os
import os.path as osp
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from typing import List, Tuple

from mmengine.logging import print_log
from mmdet.datasets import VOCDataset
from mmdet.evaluation import VOCMetric as _MMDetVOCMetric
from PIL import Image

from tricks_mm.registry import DATASETS, METRICS


def list_voc_stems(img_dir: str, ann_dir: str) -> Tuple[List[str], List[str]]:
    """Stems with both ``<stem>.jpg`` in ``img_dir`` and ``<stem>.xml`` in ``ann_dir`` (sorted), and the
    files that lack their partner."""
    if not osp.isdir(ann_dir):
        raise FileNotFoundError(f'annotation folder {ann_dir} does not exist')
    xml = {f[:-4] for f in os.listdir(ann_dir) if f.endswith('.xml')}
    jpg = {f[:-4] for f in os.listdir(img_dir) if f.endswith('.jpg')} if osp.isdir(img_dir) else set()
    unpaired = sorted((xml - jpg) | (jpg - xml))
    return sorted(xml & jpg), unpaired


@DATASETS.register_module()
class VOCLayoutDataset(VOCDataset):
    """``VOCDataset`` that checks image sizes, degenerate boxes and class names (see module doc)."""

    def __init__(self, *args, **kwargs):
        self._dropped, self._resized, self._unknown = [], [], Counter()
        metainfo = kwargs.get('metainfo') or {}
        if 'classes' in metainfo and not metainfo['classes']:  # before mmdet's bare assert on None
            raise ValueError('VOCLayoutDataset needs the class names: metainfo=dict(classes=(...))')
        super().__init__(*args, **kwargs)
        if not self._metainfo.get('classes'):
            raise ValueError('VOCLayoutDataset needs the class names: metainfo=dict(classes=(...))')

    def load_data_list(self) -> List[dict]:
        if self.ann_file != '':
            if not osp.isfile(self.ann_file):
                raise FileNotFoundError(
                    f'split list {self.ann_file} not found. A VOC folder lists its images in '
                    'ImageSets/Main/<split>.txt; for a folder without one run '
                    'tools/dataset_converters/make_voc_splits.py and point ann_file at its output.')
            data_list = super().load_data_list()
        else:  # no split list: every image that has an XML (a temporary list, removed at once)
            stems, unpaired = list_voc_stems(osp.join(self.sub_data_root, self.img_subdir),
                                             osp.join(self.sub_data_root, self.ann_subdir))
            if unpaired:
                print_log(f'{len(unpaired)} files without an image/XML partner skipped: {unpaired[:5]}',
                          logger='current', level=30)
            fd, self.ann_file = tempfile.mkstemp(suffix='.txt', prefix='voc_split_')
            try:
                with os.fdopen(fd, 'w') as f:
                    f.write(''.join(s + '\n' for s in stems))
                data_list = super().load_data_list()
            finally:
                os.remove(self.ann_file)
                self.ann_file = ''
        name = f'{type(self).__name__}({self.ann_file or self.sub_data_root})'
        if self._resized:
            print_log(f'{name}: {len(self._resized)} XML files give a wrong image size; used the '
                      f'image\'s own size (e.g. {self._resized[:3]})', logger='current', level=30)
        if self._dropped:
            files = sorted({f for f, _ in self._dropped})
            print_log(f'{name}: dropped {len(self._dropped)} degenerate boxes (xmax <= xmin or '
                      f'ymax <= ymin) in {len(files)} files: {files[:10]}', logger='current', level=30)
        if self._unknown:
            print_log(f'{name}: objects with names not in the configured classes were skipped: '
                      f'{dict(self._unknown)}; classes are {self._metainfo["classes"]}',
                      logger='current', level=30)
        return data_list

    def parse_data_info(self, img_info: dict) -> dict:
        self._current_xml = img_info['xml_path']
        try:
            data_info = super().parse_data_info(img_info)
        except ET.ParseError as e:
            raise ValueError(f'{img_info["xml_path"]}: malformed XML ({e}). Fix the file or remove it and its '
                             f'id from {self.ann_file or "the folder"}; tools/misc/check_dataset.py CONFIG '
                             'lists every bad file at once.') from None
        with Image.open(data_info['img_path']) as img:  # reads the header only
            width, height = img.size
        if (data_info['width'], data_info['height']) != (width, height):
            self._resized.append(osp.basename(img_info['xml_path']))
            data_info['width'], data_info['height'] = width, height
        return data_info

    def _parse_instance_info(self, raw_ann_info, minus_one: bool = True) -> List[dict]:
        classes = set(self._metainfo['classes'])
        for obj in raw_ann_info.findall('object'):
            if obj.find('name').text not in classes:
                self._unknown[obj.find('name').text] += 1
        instances = []
        for inst in super()._parse_instance_info(raw_ann_info, minus_one):
            x0, y0, x1, y1 = inst['bbox']
            if x1 <= x0 or y1 <= y0:
                self._dropped.append((self._current_xml, inst['bbox']))
                continue
            instances.append(inst)
        return instances


@METRICS.register_module()
class VOCMetric(_MMDetVOCMetric):
    """mmdet's ``VOCMetric`` whose per-class AP table is labelled with the dataset's own classes.

    mmdet labels the table with the 20 Pascal VOC names whenever the data sits under a ``VOC2007`` or
    ``VOC2012`` folder, so custom classes (e.g. circle/square/triangle) were printed as
    aeroplane/bicycle/bird. Here the VOC names are used only when they are the dataset's classes.
    ``tools/train.py``/``tools/test.py`` run every ``VOCMetric`` of a config as this one.
    """

    def compute_metrics(self, results: list) -> dict:
        meta = self.dataset_meta
        if meta and meta.get('dataset_type') in ('VOC2007', 'VOC2012') \
                and tuple(meta.get('classes', ())) != tuple(VOCDataset.METAINFO['classes']):
            self._dataset_meta = dict(meta, dataset_type=None)
            try:
                return super().compute_metrics(results)
            finally:
                self._dataset_meta = meta
        return super().compute_metrics(results)
