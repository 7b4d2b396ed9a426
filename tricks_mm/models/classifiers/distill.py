"""Knowledge distillation, paper Section 5.3 (eq. 6).

    loss = l(p, softmax(z)) + T^2 * l(softmax(r / T), softmax(z / T))

``z``: student logits, ``r``: teacher logits, ``p``: the (smoothed, possibly mixed) target, ``l``:
cross entropy, T = 20. ``hard_weight=w`` gives GluonCV's weighting ``w * hard + (1 - w) * T^2 * soft``
(GluonCV's default is 0.5). The teacher is built from a config and a checkpoint (loaded strictly),
kept in eval mode without gradients, and is not part of the student's state dict, so the student's
checkpoint is an ordinary ``ImageClassifier`` one. With mixup (mmpretrain batch augments, applied by
the data preprocessor before ``loss``) the teacher sees the same mixed images as the student.
"""
from typing import List, Optional, Union

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.runner.checkpoint import load_checkpoint
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.registry import MODELS as MMPRETRAIN_MODELS

from tricks_mm.registry import MODELS


def distillation_soft_loss(student_logits, teacher_logits, temperature: float) -> torch.Tensor:
    """``T^2 * CE(softmax(r/T), softmax(z/T))``, averaged over the batch."""
    t = temperature
    target = F.softmax(teacher_logits.float() / t, dim=1)
    return (t * t) * -(target * F.log_softmax(student_logits.float() / t, dim=1)).sum(1).mean()


@MODELS.register_module()
class DistillImageClassifier(ImageClassifier):
    """An mmpretrain ``ImageClassifier`` trained with a frozen teacher (paper eq. 6).

    Args:
        teacher: the teacher's model config dict, or the path of its training config file (its
            ``model`` is used).
        teacher_checkpoint: its checkpoint (required; loaded with ``strict=True``).
        temperature: T (paper: 20).
        hard_weight: None for the paper's unweighted sum, or GluonCV's weight of the hard loss.
        **kwargs: the student, as for ``ImageClassifier``.
    """

    def __init__(self, teacher: Union[dict, str], teacher_checkpoint: str, temperature: float = 20.0,
                 hard_weight: Optional[float] = None, **kwargs):
        super().__init__(**kwargs)
        if not teacher_checkpoint:
            raise ValueError('DistillImageClassifier needs teacher_checkpoint (a trained teacher)')
        if hard_weight is not None and not 0 <= hard_weight <= 1:
            raise ValueError(f'hard_weight must be in [0, 1] or None, got {hard_weight}')
        if isinstance(teacher, str):
            teacher = Config.fromfile(teacher).model
        teacher_model = MMPRETRAIN_MODELS.build(teacher)
        load_checkpoint(teacher_model, teacher_checkpoint, map_location='cpu', strict=True,
                        revise_keys=[(r'^module\.', '')])
        teacher_model.eval()
        for p in teacher_model.parameters():
            p.requires_grad_(False)
        # Not a registered submodule: no gradients, no optimizer state, not in the student's checkpoint.
        self.__dict__['teacher'] = teacher_model
        self.temperature = temperature
        self.hard_weight = hard_weight

    def teacher_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        teacher = self.__dict__['teacher']
        if next(teacher.parameters()).device != inputs.device:
            teacher.to(inputs.device)
        teacher.eval()
        with torch.no_grad():
            return teacher(inputs, mode='tensor')

    def loss(self, inputs: torch.Tensor, data_samples: List) -> dict:
        feats = self.extract_feat(inputs)
        student = self.head(feats)
        losses = self.head._get_loss(student, data_samples)
        soft = distillation_soft_loss(student, self.teacher_logits(inputs), self.temperature)
        if self.hard_weight is None:
            losses['loss_distill'] = soft
        else:
            losses['loss'] = self.hard_weight * losses['loss']
            losses['loss_distill'] = (1 - self.hard_weight) * soft
        return losses
