"""mmdet's ``SingleRoIExtractor`` with the fast CPU RoIAlign (``tricks_mm.ops.roi_align``).

One key switches any mmdet detector to it: ``roi_head.bbox_roi_extractor.type='tricks_mm.SingleRoIExtractor'``.
A ``roi_layer`` of type ``'RoIAlign'`` (mmcv's, average mode) is built as ``tricks_mm.RoIAlign`` with the same
arguments, so the pooled features equal mmcv's within float tolerance; other layer types are left to mmdet.
"""
from mmdet.models.roi_heads.roi_extractors import SingleRoIExtractor as MMDetSingleRoIExtractor
from torch import nn

from tricks_mm.ops.roi_align import RoIAlign
from tricks_mm.registry import MODELS

_FAST_LAYERS = {'RoIAlign': RoIAlign, 'tricks_mm.RoIAlign': RoIAlign}


@MODELS.register_module()
class SingleRoIExtractor(MMDetSingleRoIExtractor):
    """Same arguments and behaviour as mmdet's; RoIAlign layers are ``tricks_mm.RoIAlign``."""

    def build_roi_layers(self, layer_cfg: dict, featmap_strides) -> nn.ModuleList:
        cfg = dict(layer_cfg)
        layer_type = cfg.get('type')
        if layer_type in _FAST_LAYERS and cfg.get('pool_mode', 'avg') == 'avg':
            cfg.pop('type')
            layer_cls = _FAST_LAYERS[layer_type]
            return nn.ModuleList([layer_cls(spatial_scale=1 / s, **cfg) for s in featmap_strides])
        return super().build_roi_layers(layer_cfg, featmap_strides)
