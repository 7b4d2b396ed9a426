"""AutoAugment (Cubuk et al., CVPR 2019, arXiv:1805.09501) as mmpretrain 1.2.0 has it (its operations and its
``'imagenet'`` policy, which is the paper's: tests/test_autoaugment_pipeline.py), with two faults mended:

- ``mmpretrain.AutoAugment`` merges ``hparams`` (``pad_val``) into ``self.policies`` but builds the operations from
  the unmerged policies, so ``hparams`` never reach them;
- each operation's own default ``pad_val=128`` is a scalar, which ``mmcv.imrotate`` hands to ``cv2.warpAffine`` as
  the colour (128, 0, 0): the corners uncovered by ``Rotate`` come out blue (BGR) instead of the authors' gray 128
  (``Shear`` goes through ``mmcv.imshear``, which repeats a scalar over the channels).
"""
from numbers import Number
from typing import List, Union

from mmcv.transforms import RandomChoice
from mmpretrain.datasets.transforms import AutoAugment as MMPretrainAutoAugment
from mmpretrain.registry import TRANSFORMS as MMPRETRAIN_TRANSFORMS

from tricks_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class AutoAugment(MMPretrainAutoAugment):
    """mmpretrain's ``AutoAugment`` whose operations get ``hparams``, a scalar ``pad_val`` repeated over the image's
    three channels (the authors' fill: gray 128).

    Args:
        policies: ``'imagenet'`` (the paper's ImageNet policy) or a list of sub-policies, as mmpretrain's.
        hparams: arguments given to every operation that takes them and does not set them (``pad_val``).
    """

    def __init__(self, policies: Union[str, List[List[dict]]], hparams: dict = dict(pad_val=128)):
        hparams = dict(hparams)
        pad = hparams.get('pad_val')
        if isinstance(pad, Number):
            hparams['pad_val'] = (pad, ) * 3
        elif pad is not None and (len(pad) != 3 or not all(isinstance(v, Number) for v in pad)):
            raise ValueError(f'AutoAugment: pad_val must be a number or one number per channel (3, BGR), got {pad!r}')
        super().__init__(policies, hparams)  # sets self.policies, the policies with hparams merged
        RandomChoice.__init__(self, transforms=[[MMPRETRAIN_TRANSFORMS.build(t) for t in sub]
                                                for sub in self.policies])
