"""Draw a prediction of :func:`tricks_mm.apis.inference_model` on its image, with the OpenMMLab
visualizers: mmdet's ``DetLocalVisualizer`` (boxes), mmseg's ``SegLocalVisualizer`` (mask) and, for
classification, the top-k classes with their scores as text (mmengine ``Visualizer``)."""
import itertools
from typing import List, Optional

import numpy as np

from .inference import class_names, topk_classes

_COUNTER = itertools.count()


def _palette(num: int) -> List[tuple]:
    """Distinct, fixed colours (golden-angle hues), one per class."""
    import colorsys
    return [tuple(int(255 * c) for c in colorsys.hsv_to_rgb((i * 0.618034) % 1.0, 0.85, 0.95))
            for i in range(num)]


def meta_for(classes, palette=None) -> dict:
    """``dataset_meta`` for the visualizers: the class names and one colour each."""
    classes = tuple(str(c) for c in classes)
    if not palette or len(palette) < len(classes):
        palette = _palette(len(classes))
    return dict(classes=classes, palette=[tuple(int(c) for c in p) for p in palette])


def _meta(model, num: int) -> dict:
    return meta_for(class_names(model, num), (getattr(model, 'dataset_meta', None) or {}).get('palette'))


def draw_label_text(image_rgb: np.ndarray, lines: List[str], min_side: int = 224) -> np.ndarray:
    """The image (enlarged to ``min_side`` so the text is legible) with ``lines`` written top left."""
    import mmcv
    from mmengine.visualization import Visualizer
    h, w = image_rgb.shape[:2]
    scale = max(1.0, min_side / min(h, w))
    img = mmcv.imrescale(image_rgb, scale) if scale > 1 else image_rgb.copy()
    vis = Visualizer(name=f'tricks_mm_text_{next(_COUNTER)}', image=img)
    size = max(10, img.shape[0] // 18)
    positions = np.array([[4, 4 + i * int(size * 1.5)] for i in range(len(lines))])
    vis.draw_texts(lines, positions, colors='white', font_sizes=size, vertical_alignments='top',
                   bboxes=dict(facecolor='black', alpha=0.7, pad=1, edgecolor='none'))
    return vis.get_image()


def draw_classification(model, image_rgb: np.ndarray, result, topk: int = 5) -> np.ndarray:
    """The top-k classes and their scores written on the (enlarged) image."""
    lines = [f'{name}: {score:.3f}' for _, name, score in topk_classes(model, result, topk)]
    return draw_label_text(image_rgb, lines)


def draw_detection(model, image_rgb: np.ndarray, result, score_thr: float = 0.3) -> np.ndarray:
    from mmdet.visualization import DetLocalVisualizer
    labels = result.pred_instances.labels
    num = max(len(class_names(model, 0)), int(labels.max()) + 1 if len(labels) else 0)
    vis = DetLocalVisualizer(name=f'tricks_mm_det_{next(_COUNTER)}')
    vis.dataset_meta = _meta(model, num)
    vis.add_datasample('prediction', image_rgb, result, draw_gt=False, show=False, pred_score_thr=score_thr)
    return vis.get_image()


def draw_segmentation(model, image_rgb: np.ndarray, result, opacity: float = 0.5) -> np.ndarray:
    from mmseg.visualization import SegLocalVisualizer
    num = max(len(class_names(model, 0)), int(result.pred_sem_seg.data.max()) + 1)
    vis = SegLocalVisualizer(name=f'tricks_mm_seg_{next(_COUNTER)}', alpha=opacity)
    # (not through __init__: mmseg 1.2.2 passes classes and palette to set_dataset_meta swapped)
    vis.dataset_meta = _meta(model, num)
    vis.add_datasample('prediction', image_rgb, result, draw_gt=False, show=False, with_labels=True)
    return vis.get_image()


def draw_prediction(model, image_rgb: np.ndarray, result, out_file: Optional[str] = None,
                    **kwargs) -> np.ndarray:
    """Draw ``result`` for the model's task; write it to ``out_file`` (PNG/JPEG) if given. RGB in/out."""
    from .inference import task_of
    drawer = {'cls': draw_classification, 'det': draw_detection, 'seg': draw_segmentation}[task_of(model.cfg)]
    drawn = drawer(model, image_rgb, result, **kwargs)
    if out_file:
        import mmcv
        mmcv.imwrite(np.ascontiguousarray(drawn[..., ::-1]), out_file)
    return drawn
