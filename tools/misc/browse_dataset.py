"""Write a dataset's pictures, as the model sees them (after the pipeline), with their annotations drawn.

    python tools/misc/browse_dataset.py CONFIG --output-dir DIR [--phase train|val|test] [--max-num 20]

As mmdet's / mmseg's / mmpretrain's ``tools/misc/browse_dataset.py``; the config's ``default_scope``
decides the task: ImageNet-style folders get the class name written on the picture, VOC-layout sets
their boxes and class names (mmdet ``DetLocalVisualizer``), ADE-layout sets the label mask (mmseg
``SegLocalVisualizer``). One PNG per sample, named after its image; nothing is shown on screen.
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import DictAction


def draw_ground_truth(task: str, image_rgb, data_sample, classes):
    """The picture with its annotation: the class (cls), the boxes (det) or the mask (seg)."""
    from tricks_mm.apis.draw import draw_label_text, meta_for
    if task == 'cls':
        label = int(data_sample.gt_label[0])
        return draw_label_text(image_rgb, [classes[label] if label < len(classes) else str(label)])
    if task == 'det':
        from mmdet.structures.bbox import BaseBoxes
        from mmdet.visualization import DetLocalVisualizer
        boxes = data_sample.gt_instances.get('bboxes')
        if isinstance(boxes, BaseBoxes):  # the visualizer draws plain tensors (as mmdet's browse_dataset)
            data_sample.gt_instances.bboxes = boxes.tensor
        vis = DetLocalVisualizer(name=f'browse_{id(data_sample)}')
        vis.dataset_meta = meta_for(classes)
        vis.add_datasample('gt', image_rgb, data_sample, draw_gt=True, draw_pred=False, show=False)
        return vis.get_image()
    from mmseg.visualization import SegLocalVisualizer
    vis = SegLocalVisualizer(name=f'browse_{id(data_sample)}')
    vis.dataset_meta = meta_for(classes)  # (mmseg 1.2.2's __init__ swaps classes and palette)
    vis.add_datasample('gt', image_rgb, data_sample, draw_gt=True, draw_pred=False, show=False)
    return vis.get_image()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config file path')
    parser.add_argument('--output-dir', required=True, help='folder for the pictures')
    parser.add_argument('--phase', default='train', choices=['train', 'val', 'test'],
                        help='which dataloader\'s dataset (and pipeline) to browse')
    parser.add_argument('--max-num', type=int, default=20, help='at most this many samples (-1: all)')
    parser.add_argument('--not-show', action='store_true', help='accepted for compatibility: never shows')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override config settings')
    args = parser.parse_args(argv)
    import mmcv
    import numpy as np

    from tricks_mm.apis.dataset import build_dataset
    from tricks_mm.apis.inference import read_config, task_of
    cfg = read_config(args.config, args.cfg_options)
    task = task_of(cfg)
    dataset = build_dataset(cfg, args.phase)
    classes = list(dataset.metainfo.get('classes') or [])
    os.makedirs(args.output_dir, exist_ok=True)
    count = len(dataset) if args.max_num < 0 else min(args.max_num, len(dataset))
    for i in range(count):
        item = dataset[i]
        sample = item['data_samples']
        image = item['inputs'].permute(1, 2, 0).numpy()[..., ::-1]  # packed BGR -> RGB
        drawn = draw_ground_truth(task, np.ascontiguousarray(image), sample, classes)
        name = osp.splitext(osp.basename(sample.metainfo.get('img_path') or f'{i:06d}'))[0]
        mmcv.imwrite(np.ascontiguousarray(drawn[..., ::-1]), osp.join(args.output_dir, f'{i:04d}_{name}.png'))
    print(f'wrote {count} pictures of the {args.phase} set ({len(dataset)} samples, {task}) to {args.output_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
