"""Run a trained classifier, detector or segmentor on one image and draw its prediction.

    python demo/image_demo.py IMG CONFIG CHECKPOINT --out-file OUT.png [--device cpu] [--score-thr 0.3]

The config's ``default_scope`` decides the task (as mmpretrain's, mmdet's and mmseg's
``demo/image_demo.py``): a classifier's picture lists its top-5 classes and scores, a detector's shows
the boxes with class and score above ``--score-thr``, a segmentor's the mask over the image. The
prediction is also printed. The checkpoint is loaded strictly through tricks_mm's weights-only loader
(``tricks_mm.apis.init_model``).
"""
import argparse
import sys

from mmengine.config import DictAction


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('img', help='image file')
    parser.add_argument('config', help='config file (classification, detection or segmentation)')
    parser.add_argument('checkpoint', help='checkpoint file (e.g. from tools/train.py)')
    parser.add_argument('--out-file', default='result.png', help='where to write the drawn prediction')
    parser.add_argument('--device', default='cpu', help='device, e.g. cpu or cuda:0')
    parser.add_argument('--score-thr', type=float, default=0.3, help='detection: lowest box score drawn')
    parser.add_argument('--topk', type=int, default=5, help='classification: classes listed')
    parser.add_argument('--opacity', type=float, default=0.5, help='segmentation: opacity of the mask')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings (those used in training)')
    return parser.parse_args(argv)


def describe(model, result, task, args) -> list:
    """Text lines of the prediction, as drawn."""
    from tricks_mm.apis.inference import class_names, topk_classes
    if task == 'cls':
        return [f'{name}\t{score:.4f}' for _, name, score in topk_classes(model, result, args.topk)]
    if task == 'det':
        inst = result.pred_instances
        names = class_names(model, int(inst.labels.max()) + 1 if len(inst.labels) else 0)
        keep = inst.scores >= args.score_thr
        return [f'{names[int(l)]}\t{float(s):.4f}\t' + ' '.join(f'{float(v):.1f}' for v in b)
                for b, s, l in zip(inst.bboxes[keep], inst.scores[keep], inst.labels[keep])]
    seg = result.pred_sem_seg.data[0]
    names = class_names(model, int(seg.max()) + 1)
    return [f'{names[int(c)]}\t{float((seg == c).float().mean()):.4f}' for c in seg.unique()]


def main(argv=None):
    args = parse_args(argv)
    import mmcv

    from tricks_mm.apis.draw import draw_prediction
    from tricks_mm.apis.inference import inference_model, init_model, task_of
    model = init_model(args.config, args.checkpoint, device=args.device, cfg_options=args.cfg_options)
    task = task_of(model.cfg)
    result = inference_model(model, args.img)
    options = {'cls': dict(topk=args.topk), 'det': dict(score_thr=args.score_thr),
               'seg': dict(opacity=args.opacity)}[task]
    image = mmcv.imread(args.img, channel_order='rgb')
    draw_prediction(model, image, result, out_file=args.out_file, **options)
    header = {'cls': 'class\tscore', 'det': 'class\tscore\tx1 y1 x2 y2', 'seg': 'class\tpixel fraction'}[task]
    print('\n'.join([header] + describe(model, result, task, args)))
    print(f'wrote {args.out_file}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
