"""AutoAugment with the ImageNet policy (Cubuk et al., CVPR 2019, arXiv:1805.09501) in the Imagenette training
pipeline, next to the paper's HSV jitter and clipped PCA lighting: the policy is the paper's (25 sub-policies,
operations, probabilities, magnitudes), every one of its operations is applied when the pipeline built from the
config runs, and no step of the pipeline wraps uint8 values around or paints in a wrong colour (a white image never
turns dark, a black one never bright, except through Invert and Solarize, whose job that is). The same checks catch
mmpretrain's Lighting (wraps around) and mmpretrain's AutoAugment (Rotate fills its corners with BGR (128, 0, 0))."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch

import tricks_mm  # noqa: F401
from conftest import REPO

CONFIG = osp.join(REPO, 'configs/imagenette/resnet18-d_1xb64-efficient-cos-ls-autoaug-8e_imagenette-40px.py')

# Cubuk et al. 2019, Appendix, the ImageNet policy: 25 sub-policies of (operation, probability, magnitude level 0-9)
PAPER_IMAGENET_POLICY = [
    [('Posterize', 0.4, 8), ('Rotate', 0.6, 9)], [('Solarize', 0.6, 5), ('AutoContrast', 0.6, 5)],
    [('Equalize', 0.8, 8), ('Equalize', 0.6, 3)], [('Posterize', 0.6, 7), ('Posterize', 0.6, 6)],
    [('Equalize', 0.4, 7), ('Solarize', 0.2, 4)], [('Equalize', 0.4, 4), ('Rotate', 0.8, 8)],
    [('Solarize', 0.6, 3), ('Equalize', 0.6, 7)], [('Posterize', 0.8, 5), ('Equalize', 1.0, 2)],
    [('Rotate', 0.2, 3), ('Solarize', 0.6, 8)], [('Equalize', 0.6, 8), ('Posterize', 0.4, 6)],
    [('Rotate', 0.8, 8), ('Color', 0.4, 0)], [('Rotate', 0.4, 9), ('Equalize', 0.6, 2)],
    [('Equalize', 0.0, 7), ('Equalize', 0.8, 8)], [('Invert', 0.6, 4), ('Equalize', 1.0, 8)],
    [('Color', 0.6, 4), ('Contrast', 1.0, 8)], [('Rotate', 0.8, 8), ('Color', 1.0, 2)],
    [('Color', 0.8, 8), ('Solarize', 0.8, 7)], [('Sharpness', 0.4, 7), ('Invert', 0.6, 8)],
    [('ShearX', 0.6, 5), ('Equalize', 1.0, 9)], [('Color', 0.4, 0), ('Equalize', 0.6, 3)],
    [('Equalize', 0.4, 7), ('Solarize', 0.2, 4)], [('Solarize', 0.6, 5), ('AutoContrast', 0.6, 5)],
    [('Invert', 0.6, 4), ('Equalize', 1.0, 8)], [('Color', 0.6, 4), ('Contrast', 1.0, 8)],
    [('Equalize', 0.8, 8), ('Equalize', 0.6, 3)],
]
# the paper's operation -> (mmpretrain transform, its magnitude argument, level -> value on the paper's range with 10
# levels: rotate [-30, 30] deg, shear [-0.3, 0.3], enhancements [0.1, 1.9] as 1 +- [0, 0.9], posterize [4, 8] bits,
# solarize threshold [0, 256]); signed operations get a random sign (random_negative_prob 0.5)
OPS = {
    'Rotate': ('Rotate', 'angle', lambda level: 30 * level / 9, True),
    'ShearX': ('Shear', 'magnitude', lambda level: 0.3 * level / 9, True),
    'Color': ('ColorTransform', 'magnitude', lambda level: 0.9 * level / 9, True),
    'Contrast': ('Contrast', 'magnitude', lambda level: 0.9 * level / 9, True),
    'Sharpness': ('Sharpness', 'magnitude', lambda level: 0.9 * level / 9, True),
    'Posterize': ('Posterize', 'bits', lambda level: 8 - round(4 * level / 9), False),
    'Solarize': ('Solarize', 'thr', lambda level: 256 * (9 - level) / 9, False),
    'Equalize': ('Equalize', None, None, False),
    'AutoContrast': ('AutoContrast', None, None, False),
    'Invert': ('Invert', None, None, False),
}


def test_mmpretrain_imagenet_policy_is_the_papers():
    from mmpretrain.datasets.transforms.auto_augment import AUTOAUG_POLICIES
    policy = AUTOAUG_POLICIES['imagenet']
    assert len(policy) == len(PAPER_IMAGENET_POLICY) == 25
    for ours, paper in zip(policy, PAPER_IMAGENET_POLICY):
        assert len(ours) == len(paper) == 2
        for op, (name, prob, level) in zip(ours, paper):
            kind, arg, value, _ = OPS[name]
            assert op['type'] == kind and op['prob'] == pytest.approx(prob), (op, name)
            if arg is not None:
                assert op[arg] == pytest.approx(value(level)), (op, name, level)
            if name == 'ShearX':
                assert op['direction'] == 'horizontal'


def test_the_paper_table_matches_torchvision():
    """The table above, transcribed from the paper, against torchvision's independent copy (levels as bins)."""
    from torchvision.transforms import AutoAugment, AutoAugmentPolicy
    tv = AutoAugment(AutoAugmentPolicy.IMAGENET)._get_policies(AutoAugmentPolicy.IMAGENET)
    assert len(tv) == 25
    for theirs, ours in zip(tv, PAPER_IMAGENET_POLICY):
        for (name, prob, level), (our_name, our_prob, our_level) in zip(theirs, ours):
            assert (name, prob) == (our_name, our_prob)
            assert level is None or level == our_level


# --------------------------------------------------------------------------------------- the pipeline, run
IMAGES = {  # BGR uint8, written as PNG (lossless)
    'white': np.full((64, 64, 3), 255, np.uint8),
    'black': np.zeros((64, 64, 3), np.uint8),
    'noise': np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8),
    'gradient': np.broadcast_to(np.linspace(0, 255, 64, dtype=np.uint8)[None, :, None], (64, 64, 3)).copy(),
}
RECOLOUR = {'Invert', 'Solarize'}  # operations that legitimately turn a white image dark (and black bright)
GEOMETRIC = {'Rotate', 'Shear'}  # fill the uncovered corners with pad_val 128


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('autoaug_data')
    for i, (name, img) in enumerate(IMAGES.items()):
        folder = root / 'imagenette' / 'train' / f'class{i}'
        folder.mkdir(parents=True)
        assert cv2.imwrite(str(folder / f'{name}.png'), img)
    return str(root)


def _build(data_root, monkeypatch, replace=None):
    """The config's training dataset (its full pipeline) on the synthetic images; ``replace`` swaps one pipeline
    step type for another (to show that the checks catch a wrap-around)."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    monkeypatch.setenv('DATA_ROOT', data_root)
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(CONFIG)
    if replace:
        for i, t in enumerate(cfg.train_dataloader.dataset.pipeline):
            if t['type'] == replace[0]:
                cfg.train_dataloader.dataset.pipeline[i] = replace[1]
    return DATASETS.build(cfg.train_dataloader.dataset)


class Recorder:
    """Wraps every step of a pipeline (and every operation inside AutoAugment) to log, per run, what it got, what it
    returned, and whether a random operation was applied (its ``random_disable`` said no)."""

    def __init__(self, dataset):
        self.runs, self.log = [], None
        for step in dataset.pipeline.transforms:
            if type(step).__name__ == 'AutoAugment':
                self.policy_ops = [op for sub in step.transforms for op in sub.transforms]
                for op in self.policy_ops:
                    self._wrap(op)
            elif type(step).__name__ not in ('LoadImageFromFile', 'PackInputs'):
                self._wrap(step)

    def _wrap(self, step):
        name, transform = type(step).__name__, step.transform
        disable = getattr(step, 'random_disable', None)
        state = {}
        if disable is not None:
            def random_disable():
                state['applied'] = not disable()
                return not state['applied']
            step.random_disable = random_disable

        def recorded(results):
            state['applied'] = disable is None
            before = results['img'].copy()
            out = transform(results)
            self.log.append(dict(op=name, step=step, before=before, after=out['img'].copy(),
                                 applied=state['applied']))
            return out
        step.transform = recorded

    def run(self, dataset, index):
        self.log = []
        sample = dataset[index]
        self.runs.append(self.log)
        return sample


def _constant(img):
    return img.min() == img.max()


def step_failures(entry):
    """What in one step's input/output shows a dtype change or a uint8 wrap-around (empty: nothing). On an image of
    one value c in {0, 255} every operation's result is known in closed form; a wrapped value lands on the far side."""
    op, before, after, step = entry['op'], entry['before'], entry['after'], entry['step']
    resized = op == 'RandomResizedCrop' and after.shape == (40, 40, 3)
    if after.dtype != np.uint8 or (after.shape != before.shape and not resized):
        return [f'{op}: {before.dtype}{before.shape} -> {after.dtype}{after.shape}']
    if not _constant(before) or int(before[0, 0, 0]) not in (0, 255) or not entry['applied']:
        return []
    c = int(before[0, 0, 0])
    lo, hi = int(after.min()), int(after.max())
    if op == 'Invert':
        ok = lo == hi == 255 - c
    elif op == 'Solarize':
        ok = lo == hi == (255 - c if c >= step.thr else c)
    elif op == 'Posterize':
        ok = lo == hi == c & (256 - 2 ** (8 - step.bits))
    elif op in GEOMETRIC:  # the image, the pad value 128, interpolation between them (bicubic overshoots a little)
        ok = min(c, 128) - 16 <= lo and hi <= max(c, 128) + 16
    elif op in ('Equalize', 'AutoContrast', 'ColorTransform', 'Contrast', 'Sharpness', 'Brightness'):
        ok = max(abs(lo - c), abs(hi - c)) <= 1  # a constant image has no histogram, colour or contrast to change
    elif op == 'HSVScaleJitter':  # V scaled by U[0.6, 1.4] and clipped: white stays >= 0.6 * 255, black stays black
        ok = lo >= 0.6 * 255 - 1 if c == 255 else hi <= 1
    else:  # PCA lighting and the rest: a shift of a few levels at most, clipped
        ok = (lo >= 200) if c == 255 else (hi <= 55)
    return [] if ok else [f'{op} turned a constant {c} image into values {lo}..{hi}']


def pipeline_failures(dataset, recorder, runs=150):
    failures = []
    names = list(IMAGES)
    for k in range(runs * len(names)):
        index = k % len(names)
        sample = recorder.run(dataset, index)
        inputs = sample['inputs']
        if inputs.dtype != torch.uint8 or tuple(inputs.shape) != (3, 40, 40):
            failures.append(f'packed input {inputs.dtype} {tuple(inputs.shape)}')
        for entry in recorder.log:
            failures += step_failures(entry)
        # end to end: without Invert/Solarize and without padded corners, white stays bright and black dark
        source = dataset.get_data_info(index)['img_path']
        applied = {e['op'] for e in recorder.log if e['applied']}
        if not applied & (RECOLOUR | GEOMETRIC):
            img = inputs.numpy()
            if 'white' in source and img.min() < 100:
                failures.append(f'white image turned dark ({img.min()}) through {sorted(applied)}')
            if 'black' in source and img.max() > 60:
                failures.append(f'black image turned bright ({img.max()}) through {sorted(applied)}')
    return failures


def test_pipeline_from_the_config_never_wraps_and_applies_every_operation(data_root, monkeypatch):
    np.random.seed(0)
    dataset = _build(data_root, monkeypatch)
    names = [type(t).__name__ for t in dataset.pipeline.transforms]
    assert names == ['LoadImageFromFile', 'RandomResizedCrop', 'RandomFlip', 'AutoAugment', 'HSVScaleJitter',
                     'PCALighting', 'PackInputs']
    recorder = Recorder(dataset)
    failures = pipeline_failures(dataset, recorder)
    assert failures == [], failures[:10]
    applied = {}
    for log in recorder.runs:
        for e in log:
            applied[e['op']] = applied.get(e['op'], 0) + e['applied']
    policy_ops = {OPS[name][0] for sub in PAPER_IMAGENET_POLICY for name, _, _ in sub}
    assert policy_ops == {type(op).__name__ for op in recorder.policy_ops}
    assert all(applied.get(op, 0) > 0 for op in policy_ops), applied  # each of the policy's 10 operations ran
    # the extreme images went through the extreme operations, where a wrap-around would show
    extremes = [e for log in recorder.runs for e in log if e['applied'] and _constant(e['before'])]
    assert {e['op'] for e in extremes} >= {'Invert', 'Solarize', 'Posterize', 'Rotate', 'PCALighting',
                                           'HSVScaleJitter', 'Equalize', 'ColorTransform'}


def test_the_checks_catch_a_wrap_around(data_root, monkeypatch):
    """mmpretrain's Lighting casts to uint8 without clipping (tricks_mm/datasets/transforms/lighting.py): put in
    place of our PCALighting, the same checks report white pixels wrapped to dark ones."""
    np.random.seed(0)
    from mmengine.config import Config
    monkeypatch.setenv('DATA_ROOT', data_root)
    cfg = Config.fromfile(CONFIG)
    ours = [t for t in cfg.train_dataloader.dataset.pipeline if t['type'] == 'tricks_mm.PCALighting'][0]
    theirs = dict(type='Lighting', eigval=ours['eigval'], eigvec=ours['eigvec'], alphastd=ours['alphastd'],
                  to_rgb=False)
    dataset = _build(data_root, monkeypatch, replace=('tricks_mm.PCALighting', theirs))
    failures = pipeline_failures(dataset, Recorder(dataset), runs=60)
    assert any(f.startswith('Lighting turned a constant 255') for f in failures), failures[:5]


def test_rotate_and_shear_fill_gray_128():
    """tricks_mm.AutoAugment hands pad_val to the operations as one value per channel: the corners Rotate uncovers
    are gray 128, as in the authors' code. mmpretrain 1.2.0's AutoAugment drops hparams, and the operations' scalar
    default reaches cv2.warpAffine as the colour (128, 0, 0)."""
    from mmpretrain.datasets.transforms import AutoAugment as MMPretrainAutoAugment
    from tricks_mm.datasets.transforms import AutoAugment
    white = np.full((40, 40, 3), 255, np.uint8)
    for build, corner in ((AutoAugment, [128, 128, 128]), (MMPretrainAutoAugment, [128, 0, 0])):
        rotates = [op for sub in build(policies='imagenet').transforms for op in sub.transforms
                   if type(op).__name__ in GEOMETRIC]
        assert len(rotates) == 7
        for op in rotates:
            op.prob = 1.0
            out = op(dict(img=white.copy()))['img']
            if type(op).__name__ == 'Rotate':
                assert out[0, 0].tolist() == corner
    with pytest.raises(ValueError, match='one number per channel'):
        AutoAugment(policies='imagenet', hparams=dict(pad_val=(1, 2)))


def test_the_checks_catch_mmpretrains_blue_corners(data_root, monkeypatch):
    np.random.seed(0)
    dataset = _build(data_root, monkeypatch,
                     replace=('tricks_mm.AutoAugment', dict(type='AutoAugment', policies='imagenet')))
    failures = pipeline_failures(dataset, Recorder(dataset), runs=60)
    assert any(f.startswith('Rotate turned a constant 255 image into values 0..') for f in failures), failures[:5]
