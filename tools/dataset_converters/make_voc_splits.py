"""Write VOC split lists (ImageSets/Main style) for a folder of images and VOC XML files that has none.

    python tools/dataset_converters/make_voc_splits.py ../shared/data/fruit/train data/splits/fruit \
        --val-ratio 0.2 --seed 0

SRC is a VOC-style folder (JPEGImages/ + Annotations/) or a folder with <stem>.jpg and <stem>.xml side by
side. Writes OUT/trainval.txt (every stem with both files) and, with --val-ratio, a seeded random
OUT/train.txt and OUT/val.txt. Use them as ``ann_file`` (absolute path, or relative to data_root).
"""
import argparse
import os
import os.path as osp
import random

from tricks_mm.datasets.voc import list_voc_stems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('src')
    parser.add_argument('out')
    parser.add_argument('--val-ratio', type=float, default=0.0)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    voc = osp.isdir(osp.join(args.src, 'Annotations'))
    img_dir = osp.join(args.src, 'JPEGImages') if voc else args.src
    ann_dir = osp.join(args.src, 'Annotations') if voc else args.src
    stems, unpaired = list_voc_stems(img_dir, ann_dir)
    if not stems:
        raise SystemExit(f'error: no <stem>.jpg with a <stem>.xml found in {img_dir} / {ann_dir}')
    os.makedirs(args.out, exist_ok=True)
    lists = {'trainval': stems}
    if args.val_ratio > 0:
        shuffled = stems[:]
        random.Random(args.seed).shuffle(shuffled)
        n_val = max(1, round(len(stems) * args.val_ratio))
        lists.update(val=sorted(shuffled[:n_val]), train=sorted(shuffled[n_val:]))
    for name, items in lists.items():
        with open(osp.join(args.out, name + '.txt'), 'w') as f:
            f.write(''.join(s + '\n' for s in items))
    print(f'{len(stems)} images: ' + ', '.join(f'{k} {len(v)}' for k, v in lists.items()) +
          f' -> {args.out}' + (f'; {len(unpaired)} files without a partner skipped' if unpaired else ''))


if __name__ == '__main__':
    main()
