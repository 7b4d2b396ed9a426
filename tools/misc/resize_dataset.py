"""Pre-resize an image folder for low-resolution training, keeping its layout, so the data loader decodes small
files instead of shrinking large ones at every epoch (on 2 cores the worker shares the CPU with the step).

    python tools/misc/resize_dataset.py SRC DST --short-side 128 [--layout auto|imagenet|voc|ade] [--quality 95]

Layouts: ``imagenet`` (class folders of images, any depth: ``{train,val}/<class>/*``), ``voc`` (``JPEGImages/`` +
``Annotations/*.xml`` boxes and sizes scaled, ``ImageSets/`` copied; also images and XML side by side), ``ade``
(``images/`` resized bilinear, ``annotations/`` label maps resized nearest, kept PNG). Images whose short side is
already at most the target are copied unchanged; label maps always follow their image's size. Other files are
copied. Nothing in SRC is changed.
"""
import argparse
import os
import os.path as osp
import shutil
import sys
import xml.etree.ElementTree as ET

import cv2

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp')


def detect_layout(src: str) -> str:
    if osp.isdir(osp.join(src, 'images')) and osp.isdir(osp.join(src, 'annotations')):
        return 'ade'
    if osp.isdir(osp.join(src, 'Annotations')) or any(f.endswith('.xml') for _, _, fs in os.walk(src) for f in fs):
        return 'voc'
    return 'imagenet'


def target_size(w: int, h: int, short_side: int):
    """(w, h) with the shorter side ``short_side`` and the aspect ratio kept; None when already small enough."""
    if min(w, h) <= short_side:
        return None
    scale = short_side / min(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def _read(path, flags=cv2.IMREAD_UNCHANGED):
    img = cv2.imread(path, flags)
    if img is None:
        raise ValueError(f'{path}: not a readable image (corrupt or unsupported); remove or replace it')
    return img


def _write(path, img, quality):
    os.makedirs(osp.dirname(path), exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.lower().endswith(('.jpg', '.jpeg')) else []
    if not cv2.imwrite(path, img, params):
        raise OSError(f'could not write {path}')


def resize_image(src, dst, short_side, quality, label=False):
    """Resize one image (bilinear/area) or label map (nearest); returns the scale factors (sx, sy)."""
    img = _read(src)
    h, w = img.shape[:2]
    size = target_size(w, h, short_side)
    if size is None:
        os.makedirs(osp.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        return 1.0, 1.0
    interp = cv2.INTER_NEAREST if label else cv2.INTER_AREA
    _write(dst, cv2.resize(img, size, interpolation=interp), quality)
    return size[0] / w, size[1] / h


def resize_voc_xml(src, dst, sx, sy, image_path):
    """Scale the boxes and the size of a VOC annotation (a size of 0 is taken from the resized image)."""
    tree = ET.parse(src)
    root = tree.getroot()
    size = root.find('size')
    if size is not None:
        h, w = _read(image_path).shape[:2]
        for tag, value in (('width', w), ('height', h)):
            node = size.find(tag)
            if node is not None:
                node.text = str(value)
    for box in root.iter('bndbox'):
        for tag, s in (('xmin', sx), ('xmax', sx), ('ymin', sy), ('ymax', sy)):
            node = box.find(tag)
            if node is not None and node.text is not None:
                node.text = f'{float(node.text) * s:.1f}'
    os.makedirs(osp.dirname(dst), exist_ok=True)
    tree.write(dst)


def _image_for_xml(xml_path, src_root):
    """The image a VOC XML describes: JPEGImages/<stem>.* or a file beside it with the same stem."""
    stem = osp.splitext(osp.basename(xml_path))[0]
    for folder in (osp.join(src_root, 'JPEGImages'), osp.dirname(xml_path)):
        for ext in IMAGE_EXTS + tuple(e.upper() for e in IMAGE_EXTS):
            if osp.isfile(osp.join(folder, stem + ext)):
                return osp.join(folder, stem + ext)
    return None


def convert(src: str, dst: str, short_side: int, layout: str = 'auto', quality: int = 95) -> dict:
    """Write the resized copy of ``src`` to ``dst``; returns counts per kind of file."""
    if not osp.isdir(src):
        raise FileNotFoundError(f'{src} is not a folder')
    if osp.abspath(dst) == osp.abspath(src) or osp.abspath(dst).startswith(osp.abspath(src) + os.sep):
        raise ValueError('DST must lie outside SRC')
    if short_side < 8:
        raise ValueError(f'--short-side must be at least 8, got {short_side}')
    layout = detect_layout(src) if layout == 'auto' else layout
    counts = dict(layout=layout, images=0, labels=0, xml=0, copied=0)
    scales = {}
    files = sorted(osp.join(d, f) for d, _, fs in os.walk(src) for f in fs)
    xmls = [f for f in files if f.lower().endswith('.xml')] if layout == 'voc' else []
    for path in files:
        rel = osp.relpath(path, src)
        out = osp.join(dst, rel)
        if path.lower().endswith(IMAGE_EXTS):
            label = layout == 'ade' and rel.split(os.sep)[0] == 'annotations'
            scales[path] = resize_image(path, out, short_side, quality, label=label)
            counts['labels' if label else 'images'] += 1
        elif path in xmls:
            continue
        else:
            os.makedirs(osp.dirname(out), exist_ok=True)
            shutil.copy2(path, out)
            counts['copied'] += 1
    for xml in xmls:
        image = _image_for_xml(xml, src)
        if image is None:
            raise FileNotFoundError(f'{xml}: no image with this name in JPEGImages/ or beside it')
        sx, sy = scales[image]
        resize_voc_xml(xml, osp.join(dst, osp.relpath(xml, src)), sx, sy, osp.join(dst, osp.relpath(image, src)))
        counts['xml'] += 1
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src')
    parser.add_argument('dst')
    parser.add_argument('--short-side', type=int, required=True, help='shorter image side after resizing')
    parser.add_argument('--layout', default='auto', choices=['auto', 'imagenet', 'voc', 'ade'])
    parser.add_argument('--quality', type=int, default=95, help='JPEG quality')
    args = parser.parse_args(argv)
    try:
        counts = convert(args.src, args.dst, args.short_side, args.layout, args.quality)
    except (OSError, ValueError) as e:
        sys.exit(f'resize_dataset: {e}')
    print(f"{args.src} -> {args.dst} ({counts['layout']} layout, short side {args.short_side}): "
          f"{counts['images']} images, {counts['labels']} label maps, {counts['xml']} annotations, "
          f"{counts['copied']} other files copied")


if __name__ == '__main__':
    main()
