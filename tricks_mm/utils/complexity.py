"""FLOPs and parameters with mmengine's counter (one multiply-accumulate counts as one FLOP)."""
from typing import Tuple

import torch
from mmengine.analysis import get_model_complexity_info


def count_complexity(model: torch.nn.Module, input_shape: Tuple[int, ...] = (3, 224, 224)):
    """(flops, params) of ``model(x)`` for one image of ``input_shape``, model in eval mode."""
    model.eval()
    info = get_model_complexity_info(model, input_shape=input_shape, show_table=False, show_arch=False)
    return info['flops'], info['params']
