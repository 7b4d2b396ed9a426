"""Deterministic synthetic data in the real on-disk layouts (ImageNet folders, VOC devkit, ADE20K).

Objects are filled shapes (one class per shape) on textured backgrounds. Every label is exact by
construction: a box is the extent of the shape's own rasterised mask, and the segmentation map is
the union of those masks, so a model can really learn the task. Nothing is downloaded.
"""
import os
import os.path as osp
from typing import Dict, Sequence, Tuple

import numpy as np
from PIL import Image, ImageDraw

SHAPES = ('circle', 'square', 'triangle', 'cross')


def _background(rng, size):
    """A smooth colour gradient with noise: gives the network something to ignore."""
    h = w = size
    c0, c1 = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    t = np.linspace(0, 1, w)[None, :, None] if rng.random() < 0.5 else np.linspace(0, 1, h)[:, None, None]
    img = c0 * (1 - t) + c1 * t
    img = np.broadcast_to(img, (h, w, 3)) + rng.normal(0, 12, (h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def _shape_mask(shape, size, box):
    """Rasterise ``shape`` inside ``box`` = (x0, y0, x1, y1) into a boolean (size, size) mask."""
    m = Image.new('L', (size, size), 0)
    d = ImageDraw.Draw(m)
    x0, y0, x1, y1 = box
    if shape == 'circle':
        d.ellipse(box, fill=1)
    elif shape == 'square':
        d.rectangle(box, fill=1)
    elif shape == 'triangle':
        d.polygon([((x0 + x1) / 2, y0), (x1, y1), (x0, y1)], fill=1)
    elif shape == 'cross':
        tw, th = (x1 - x0) / 3, (y1 - y0) / 3
        d.rectangle((x0 + tw, y0, x1 - tw, y1), fill=1)
        d.rectangle((x0, y0 + th, x1, y1 - th), fill=1)
    else:
        raise KeyError(f'unknown shape {shape!r}; known: {SHAPES}')
    return np.asarray(m, dtype=bool)


def _contrasting_colour(rng, img, mask):
    mean = img[mask].mean(0) if mask.any() else np.full(3, 128)
    colour = rng.integers(0, 256, 3)
    while np.abs(colour - mean).sum() < 180:
        colour = rng.integers(0, 256, 3)
    return colour


def _paint(rng, img, shape, box):
    mask = _shape_mask(shape, img.shape[0], box)
    img[mask] = _contrasting_colour(rng, img, mask)
    return mask


def _place(rng, size, placed, min_side, max_side, tries=50):
    """A box of random side that does not overlap the boxes already placed."""
    for _ in range(tries):
        side = int(rng.integers(min_side, max_side + 1))
        x0, y0 = (int(v) for v in rng.integers(0, size - side, 2))
        box = (x0, y0, x0 + side - 1, y0 + side - 1)
        if all(box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1] for b in placed):
            return box
    return None


def make_classification_set(root: str, classes: Sequence[str] = SHAPES,
                            num_per_class: Dict[str, int] = None, size: int = 64,
                            seed: int = 0) -> str:
    """ImageNet layout ``root/{train,val}/<class>/<class>_<i>.JPEG``: one shape per image."""
    num_per_class = num_per_class or {'train': 16, 'val': 8}
    rng = np.random.default_rng(seed)
    for split, n in num_per_class.items():
        for label in classes:
            folder = osp.join(root, split, label)
            os.makedirs(folder, exist_ok=True)
            for i in range(n):
                img = _background(rng, size)
                box = _place(rng, size, [], size // 3, size - 4)
                _paint(rng, img, label, box)
                Image.fromarray(img).save(osp.join(folder, f'{label}_{split}_{i:05d}.JPEG'), quality=95)
    return root


def _objects(rng, size, classes, max_objects):
    placed, objects = [], []
    for _ in range(int(rng.integers(1, max_objects + 1))):
        box = _place(rng, size, placed, size // 6, size // 2)
        if box is None:
            break
        placed.append(box)
        objects.append((int(rng.integers(len(classes))), box))
    return objects


def _voc_xml(stem, size, objects):
    obj_xml = ''.join(
        f'<object><name>{name}</name><pose>Unspecified</pose><truncated>0</truncated>'
        f'<difficult>0</difficult><bndbox><xmin>{b[0]}</xmin><ymin>{b[1]}</ymin>'
        f'<xmax>{b[2]}</xmax><ymax>{b[3]}</ymax></bndbox></object>' for name, b in objects)
    return (f'<annotation><folder>VOC</folder><filename>{stem}.jpg</filename><size><width>{size}</width>'
            f'<height>{size}</height><depth>3</depth></size><segmented>0</segmented>{obj_xml}</annotation>')


def make_voc_devkit(root: str, classes: Sequence[str] = SHAPES[:3],
                    splits: Dict[Tuple[str, str], int] = None, size: int = 128,
                    max_objects: int = 3, seed: int = 0) -> str:
    """Pascal VOC layout ``root/VOCdevkit/VOC{2007,2012}/{JPEGImages,Annotations,ImageSets/Main}``.

    ``splits`` maps (year, split) to an image count; ``trainval`` is written as the union of
    ``train`` and ``val``. Box corners are the 1-based extent of each shape's mask (VOC convention).
    """
    splits = splits or {('2007', 'trainval'): 24, ('2007', 'test'): 12, ('2012', 'trainval'): 24}
    rng = np.random.default_rng(seed)
    for (year, split), n in splits.items():
        base = osp.join(root, 'VOCdevkit', f'VOC{year}')
        for sub in ('JPEGImages', 'Annotations', 'ImageSets/Main'):
            os.makedirs(osp.join(base, sub), exist_ok=True)
        stems = []
        for i in range(n):
            stem = f'{year}_{split}_{i:06d}'
            img = _background(rng, size)
            objects = []
            for label, box in _objects(rng, size, classes, max_objects):
                ys, xs = np.nonzero(_paint(rng, img, classes[label], box))
                objects.append((classes[label], (xs.min() + 1, ys.min() + 1, xs.max() + 1, ys.max() + 1)))
            Image.fromarray(img).save(osp.join(base, 'JPEGImages', stem + '.jpg'), quality=95)
            with open(osp.join(base, 'Annotations', stem + '.xml'), 'w') as f:
                f.write(_voc_xml(stem, size, objects))
            stems.append(stem)
        lists = {split: stems}
        if split == 'trainval':
            half = len(stems) // 2
            lists.update(train=stems[:half], val=stems[half:])
        for name, items in lists.items():
            with open(osp.join(base, 'ImageSets', 'Main', name + '.txt'), 'w') as f:
                f.write(''.join(s + '\n' for s in items))
    return root


def make_ade20k(root: str, classes: Sequence[str] = SHAPES[:3],
                splits: Dict[str, int] = None, size: int = 96, max_objects: int = 4,
                seed: int = 0) -> str:
    """ADE20K layout ``root/ADEChallengeData2016/{images,annotations}/{training,validation}``.

    Label maps are PNGs with 0 = other (ignored with ``reduce_zero_label``) and class ``i`` = i + 1.
    """
    splits = splits or {'training': 16, 'validation': 8}
    rng = np.random.default_rng(seed)
    base = osp.join(root, 'ADEChallengeData2016')
    for split, n in splits.items():
        os.makedirs(osp.join(base, 'images', split), exist_ok=True)
        os.makedirs(osp.join(base, 'annotations', split), exist_ok=True)
        for i in range(n):
            stem = f'ADE_{split}_{i:08d}'
            img = _background(rng, size)
            seg = np.zeros((size, size), np.uint8)
            for label, box in _objects(rng, size, classes, max_objects):
                seg[_paint(rng, img, classes[label], box)] = label + 1
            Image.fromarray(img).save(osp.join(base, 'images', split, stem + '.jpg'), quality=95)
            Image.fromarray(seg).save(osp.join(base, 'annotations', split, stem + '.png'))
    return root
