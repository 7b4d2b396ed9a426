"""Every full-scale ImageNet config builds (model, dataloader on a fake data root, optimizer, schedulers),
every Imagenette config trains a few iterations on the CPU, and every classifier is initialised as in the
paper (Section 2.1: Xavier for the convs and the FC layer)."""
import glob
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

import tricks_mm  # noqa: F401
from conftest import REPO, SHARED_DATA
from tricks_mm.apis.cli import adapt_amp_to_device
from tricks_mm.datasets.synthetic import make_classification_set

IMAGENET = sorted(glob.glob(osp.join(REPO, 'configs/imagenet/*.py')))
IMAGENETTE = sorted(glob.glob(osp.join(REPO, 'configs/imagenette/*.py')))


@pytest.fixture(scope='module')
def fake_root(tmp_path_factory):
    """A data root holding tiny imagenet/ and imagenette/ class-folder trees of synthetic images."""
    root = str(tmp_path_factory.mktemp('fake_data'))
    for name in ('imagenet', 'imagenette'):
        make_classification_set(osp.join(root, name), num_per_class={'train': 4, 'val': 2}, size=112)
    return root


_teachers = {}


def _teacher_checkpoint(teacher_config, tmp_dir):
    """A checkpoint that fits the teacher config (random weights), made once per teacher."""
    if teacher_config not in _teachers:
        from mmpretrain.registry import MODELS
        model = MODELS.build(Config.fromfile(osp.join(REPO, teacher_config)).model)
        path = osp.join(tmp_dir, osp.basename(teacher_config).replace('.py', '.pth'))
        torch.save({'state_dict': model.state_dict()}, path)
        _teachers[teacher_config] = path
    return _teachers[teacher_config]


def _load(config, data_root, monkeypatch, tmp_path):
    monkeypatch.setenv('DATA_ROOT', data_root)
    monkeypatch.chdir(REPO)  # teacher config paths are relative to the repository
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp_path)
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.val_dataloader.num_workers = 0
    cfg.val_dataloader.persistent_workers = False
    cfg.test_dataloader = cfg.val_dataloader
    adapt_amp_to_device(cfg)
    if cfg.model.type == 'tricks_mm.DistillImageClassifier':
        from mmengine.registry import init_default_scope
        init_default_scope('mmpretrain')
        cfg.model.teacher_checkpoint = _teacher_checkpoint(cfg.model.teacher, str(tmp_path))
    return cfg


@pytest.mark.parametrize('config', IMAGENET, ids=[osp.basename(c) for c in IMAGENET])
def test_imagenet_config_builds(config, fake_root, monkeypatch, tmp_path):
    cfg = _load(config, fake_root, monkeypatch, tmp_path)
    runner = Runner.from_cfg(cfg)
    batch = runner.train_dataloader.dataset[0]
    assert batch['inputs'].shape == (3, 224, 224)
    optim = runner.build_optim_wrapper(cfg.optim_wrapper)
    runner.optim_wrapper = optim
    schedulers = runner.build_param_scheduler(cfg.param_scheduler)
    assert schedulers and all(s.optimizer is optim.optimizer or s.optimizer is optim for s in schedulers)
    lr = optim.optimizer.param_groups[0]['lr']
    base = cfg.optim_wrapper.optimizer.lr
    warmup = any('Warmup' in c['type'] for c in cfg.param_scheduler)
    assert lr == (0.0 if warmup else base)  # warmup starts from 0 (Section 3.1)
    assert base == pytest.approx(0.1 * cfg.train_dataloader.batch_size * 8 / 256)  # linear scaling rule


@pytest.mark.parametrize('config', IMAGENETTE, ids=[osp.basename(c) for c in IMAGENETTE])
def test_imagenette_config_trains(config, fake_root, monkeypatch, tmp_path):
    cfg = _load(config, fake_root, monkeypatch, tmp_path)
    cfg.train_dataloader.batch_size = 4
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2, val_interval=2)
    cfg.val_dataloader.batch_size = 8
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=2, by_epoch=False)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    runner = Runner.from_cfg(cfg)
    before = {k: v.clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    after = runner.model.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before if after[k].is_floating_point())
    assert osp.isfile(osp.join(tmp_path, 'iter_2.pth'))


@pytest.mark.parametrize('config', IMAGENETTE, ids=[osp.basename(c) for c in IMAGENETTE])
def test_imagenette_protocol(config, fake_root, monkeypatch, tmp_path):
    """docs/small_scale_reproduction.md: 40 px (val: short side 46, centre 40), batch 64, lr 0.1 x 64 / 256, one
    epoch of warmup where there is one, validation and a checkpoint every epoch (the last 2 kept)."""
    cfg = _load(config, fake_root, monkeypatch, tmp_path)
    train = {t['type']: t for t in cfg.train_dataloader.dataset.pipeline}
    val = {t['type']: t for t in cfg.val_dataloader.dataset.pipeline}
    assert train['RandomResizedCrop']['scale'] == 40 and train['RandomResizedCrop']['crop_ratio_range'] == (0.08, 1.0)
    assert (val['ResizeEdge']['scale'], val['CenterCrop']['crop_size']) == (46, 40)
    assert cfg.train_dataloader.batch_size == 64
    optimizer = cfg.optim_wrapper.optimizer  # AdaBound: its SGD end, final_lr, is the protocol's lr
    assert optimizer.get('final_lr', optimizer.lr) == pytest.approx(0.1 * 64 / 256)
    assert cfg.train_cfg.val_interval == 1
    hook = cfg.default_hooks.checkpoint
    assert (hook.interval, hook.max_keep_ckpts) == (1, 2)
    epochs = 13 if any(t in config for t in ('-mixup-', '-ricap-', '-cutmix-')) else 8  # mixup's longer schedule
    assert cfg.train_cfg.max_epochs == epochs
    for sched in cfg.param_scheduler:
        if 'Warmup' in sched['type']:
            assert (sched['begin'], sched['end']) == (0, 1)
        elif 'Cosine' in sched['type']:
            assert sched['end'] == epochs
        else:
            assert list(sched['milestones']) == [2, 4, 6]


def test_resnet18_a_and_b_are_the_same_network():
    """For basic blocks, B's change (the stride moved from the 1x1 to the 3x3 conv of a bottleneck, Section 4.1)
    has nothing to act on: ResNet-18-A and -B built from one seed have equal state dicts and equal outputs."""
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(REPO, 'configs/imagenette/resnet18-a_1xb64-efficient-8e_imagenette-40px.py'))
    models = []
    for variant in ('A', 'B'):
        cfg.model.backbone.variant = variant
        torch.manual_seed(0)
        model = MODELS.build(cfg.model)
        model.init_weights()
        models.append(model.eval())
    a, b = (m.state_dict() for m in models)
    assert list(a) == list(b) and all(a[k].shape == b[k].shape and torch.equal(a[k], b[k]) for k in a)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.equal(models[0](x, mode='tensor'), models[1](x, mode='tensor'))
    cfg.model.backbone.variant = 'C'  # the check can fail: C's stem differs
    torch.manual_seed(0)
    assert list(MODELS.build(cfg.model).state_dict()) != list(a)


@pytest.mark.skipif(not osp.isdir(osp.join(SHARED_DATA, 'imagenette')),
                    reason='../shared/data/imagenette is absent')
def test_imagenette_real_data_pipeline(monkeypatch, tmp_path):
    cfg = _load(osp.join(REPO, 'configs/imagenette/resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py'),
                SHARED_DATA, monkeypatch, tmp_path)
    runner = Runner.from_cfg(cfg)
    dataset = runner.train_dataloader.dataset
    assert len(dataset) == 9469 and len(dataset.metainfo['classes']) == 10
    assert len(runner.val_dataloader.dataset) == 3925
    sample = dataset[0]
    assert sample['inputs'].shape == (3, 40, 40) and sample['inputs'].dtype == torch.uint8


XAVIER_ROWS = [osp.join(REPO, 'configs/imagenet/resnet50-d_8xb128-efficient-cos-ls-120e_in1k.py'),
               osp.join(REPO, 'configs/imagenette/resnet18-b_1xb64-step-8e_imagenette-40px.py')]


def _xavier_bound(weight):
    """Xavier-uniform bound sqrt(6 / (fan_in + fan_out)) of a conv or linear weight."""
    receptive = weight[0, 0].numel() if weight.dim() > 2 else 1
    return math.sqrt(6.0 / ((weight.shape[0] + weight.shape[1]) * receptive))


@pytest.mark.parametrize('config', XAVIER_ROWS, ids=[osp.basename(c) for c in XAVIER_ROWS])
def test_convs_and_fc_are_xavier_uniform(config):
    """Section 2.1: conv and FC weights ~ U[-a, a], a = sqrt(6 / (d_in + d_out)); biases 0. mmpretrain's head
    default, Normal(std=0.01), would give a std several times smaller than a / sqrt(3)."""
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS
    init_default_scope('mmpretrain')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(config).model)
    model.init_weights()
    fc = model.head.fc
    bound = _xavier_bound(fc.weight)
    w = fc.weight.detach()
    assert w.abs().max() <= bound and w.abs().max() > 0.98 * bound
    assert w.std().item() == pytest.approx(bound / math.sqrt(3), rel=0.03)
    assert torch.count_nonzero(fc.bias) == 0
    convs = [m for m in model.backbone.modules() if isinstance(m, torch.nn.Conv2d)]
    for conv in convs:  # Kaiming-normal (fan_out) would put about 1 weight in 10 beyond the bound
        assert conv.weight.detach().abs().max() <= _xavier_bound(conv.weight), conv
