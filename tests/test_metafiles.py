"""The metafiles (configs/*/metafile.yml) are the one source of truth for the paper's rows: every row config
is declared there, sets exactly the declared settings (variant, depth, GPUs x batch, epochs, lr, schedulers,
tricks, init, backbone checkpoint), the README's config tables are generated from them, the runner's tables
read the paper's numbers from them, and no config is more than 3 `_base_` levels deep."""
import ast
import glob
import os.path as osp
import re

import pytest
from mmengine.config import Config
from mmengine.utils import get_installed_path

import tricks_mm  # noqa: F401
from conftest import REPO
from tricks_mm.reproduce import metafile as mf
from tricks_mm.reproduce.runner import load_spec

CLS_ROOT = 'cls_root_of_the_test'
MODELS = mf.models()
ROW_FOLDERS = mf.METAFILE_DIRS
ROW_CONFIGS = sorted(p for d in ROW_FOLDERS for p in glob.glob(osp.join(REPO, 'configs', d, '*.py')))
ALL_CONFIGS = sorted(p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
                     if '/reproduce/' not in p)


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv('CLASSIFIER_ROOT', CLS_ROOT)
    monkeypatch.setenv('DATA_ROOT', 'data_root_of_the_test')
    monkeypatch.chdir(REPO)


_cfgs = {}


def _cfg(path):
    if path not in _cfgs:
        _cfgs[path] = Config.fromfile(osp.join(REPO, path))
    return _cfgs[path]


def test_every_row_config_is_declared_once():
    declared = [osp.join(REPO, m['Config']) for m in MODELS]
    assert len(declared) == len(set(declared)), 'a config is declared twice'
    assert sorted(declared) == ROW_CONFIGS, 'configs and metafiles differ: ' + str(
        sorted(set(declared) ^ set(ROW_CONFIGS)))


@pytest.mark.parametrize('model', MODELS, ids=[m['Name'] for m in MODELS])
def test_config_sets_what_its_metafile_declares(model, env):
    cfg = _cfg(model['Config'])
    meta = model['Metadata']
    assert mf.config_metadata(cfg, model['Name']) == meta
    # GPUs x images per GPU as the name says, and --auto-scale-lr scales from that batch (Section 3.1)
    gpus, per_gpu = mf.gpus_and_batch(model['Name'])
    assert (gpus, gpus * per_gpu) == (meta['GPUs'], meta['Batch Size'])
    assert cfg.auto_scale_lr.base_batch_size == meta['Batch Size']
    checkpoints = _cfg('configs/_base_/classifier_checkpoints.py')
    if cfg.default_scope == 'mmpretrain':
        if model['In Collection'] == 'ImageNet':
            assert meta['LR'] == pytest.approx(0.1 * meta['Batch Size'] / 256)  # linear scaling (Section 3.1)
            hook = cfg.default_hooks.checkpoint  # the last 3 epochs and the best, not 120 x 200 MB
            assert (hook.max_keep_ckpts, hook.save_best) == (3, 'auto')
        if 'Teacher' in meta:  # the teacher from the one place where classifier checkpoints are set
            assert cfg.model.teacher_checkpoint in checkpoints.values()
            assert cfg.model.teacher_checkpoint == f'{CLS_ROOT}/{meta["Teacher"]}/epoch_' \
                f'{_cfg(_declared(meta["Teacher"])["Config"]).train_cfg.max_epochs}.pth'
            assert osp.isfile(cfg.model.teacher)
        return
    # transfer rows: the backbone is the declared classifier's last epoch, from classifier_checkpoints.py
    backbone = cfg.model.backbone
    assert backbone.init_cfg.checkpoint in checkpoints.values()
    classifier = _declared(meta['Classifier'])
    cls_cfg = _cfg(classifier['Config'])
    assert backbone.init_cfg.checkpoint == f'{CLS_ROOT}/{meta["Classifier"]}/epoch_{cls_cfg.train_cfg.max_epochs}.pth'
    assert backbone.init_cfg.get('prefix', 'backbone.').startswith('backbone.')
    assert (classifier['Metadata']['Variant'], classifier['Metadata']['Depth']) == (meta['Variant'], meta['Depth'])
    shared = cfg.model.get('roi_head', {}).get('shared_head')
    if shared:  # C4: stage 4 is the RoI head, from the same classifier (Section 6.1, GluonCV's form)
        assert shared.init_cfg.checkpoint == backbone.init_cfg.checkpoint
        assert (shared.variant, shared.depth) == (meta['Variant'], meta['Depth'])
    # the row of Table 8/9 is the one its classifier stands for
    own = {(r['Table'], r['Row']) for r in model.get('Paper Rows') or model.get('Mirrors')}
    cls_rows = {r['Row'] for r in classifier.get('Paper Rows') or classifier.get('Mirrors') if r['Table'] == '8/9'}
    assert {row for _, row in own} <= cls_rows, (own, cls_rows)


def _declared(name):
    found = [m for m in MODELS if m['Name'] == name]
    assert len(found) == 1, f'{name} is not declared in a metafile'
    return found[0]


def test_one_init_per_table():
    """Section 2.1: Xavier for the convs and the FC layer, in every classifier row of every table (the init
    rows beyond the paper excepted: they show the choice)."""
    inits = {m['Metadata']['Init'] for m in MODELS if 'Init' in m['Metadata'] and 'Beyond Paper' not in m}
    assert inits == {'conv xavier, fc xavier'}
    beyond = {m['Metadata']['Init'] for m in MODELS if 'Init' in m['Metadata'] and 'Beyond Paper' in m}
    assert beyond <= {'conv xavier, fc xavier', 'conv kaiming, fc xavier'}


def test_every_paper_row_has_a_config():
    rows = {(r['Table'], r['Row'], r.get('Column')) for m in MODELS for r in m.get('Paper Rows') or []}
    t4 = {('4', row, col) for row in ('Linear scaling', '+LR warmup', '+Zero gamma', '+No bias decay', '+FP16')
          for col in ('BS=256', 'BS=1024')}
    t5 = {('5', row, None) for row in ('ResNet-50', 'ResNet-50-B', 'ResNet-50-C', 'ResNet-50-D')}
    t6 = {('6', row, None) for row in ('Efficient', '+cosine', '+label smoothing', '+distill w/o mixup',
                                       '+mixup w/o distill', '+distill w/ mixup')}
    t89 = ('B-standard', 'D-efficient', '+cosine', '+smooth', '+distill w/o mixup', '+mixup w/o distill',
           '+distill w/ mixup')
    assert t4 | t5 | t6 | {(t, row, None) for t in ('8/9', '8', '9') for row in t89} <= rows
    for arch in ('Faster R-CNN + FPN', 'Faster R-CNN C4'):  # Table 8 twice: mmdet's form and the paper's
        assert sorted(r['Row'] for m in MODELS if m['Metadata'].get('Architecture') == arch
                      for r in m.get('Paper Rows') or []) == sorted(t89)


def test_paper_numbers_for_the_runner_tables():
    paper = mf.paper_numbers()  # raises when two configs of one row declare different numbers
    assert paper['table4']['rows']['+FP16']['bs1024']['top1'] == paper['table5']['rows']['A']['top1']
    assert paper['table5']['rows']['D']['top1'] == paper['table6']['rows']['Efficient']['top1'] == \
        paper['tables_8_9']['rows']['D-efficient']['top1']
    assert all(len(v) == 4 for v in paper['tables_8_9']['rows'].values())
    from tricks_mm.reproduce.tables import load_paper
    assert load_paper() == paper


def _bases(path):
    """The `_base_` files a config names (mmengine's `pkg::path` resolved in the installed package)."""
    tree = ast.parse(open(path).read())
    value = [n.value for n in tree.body if isinstance(n, ast.Assign) and
             any(getattr(t, 'id', None) == '_base_' for t in n.targets)]
    if not value:
        return []
    names = ast.literal_eval(value[0])
    out = []
    for name in [names] if isinstance(names, str) else names:
        if '::' in name:
            pkg, rel = name.split('::')
            root = get_installed_path(pkg)
            out.append(next(p for p in (osp.join(root, '.mim', 'configs', rel), osp.join(root, 'configs', rel))
                            if osp.isfile(p)))
        else:
            out.append(osp.normpath(osp.join(osp.dirname(path), name)))
    return out


def _depth(path):
    return max((1 + _depth(b) for b in _bases(path)), default=0)


@pytest.mark.parametrize('path', ALL_CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_at_most_three_base_levels(path):
    assert _depth(path) <= 3, f'{path} inherits {_depth(path)} levels deep; flatten it (a list of _base_ pieces)'


def test_readme_tables_are_generated_from_the_metafiles():
    text = open(osp.join(REPO, 'README.md'), encoding='utf-8').read()
    assert mf.render_readme(text, mf.readme_tables()) == text, \
        'README.md drifted from configs/*/metafile.yml: run python tools/misc/gen_readme_tables.py'
    for key, table in mf.readme_tables().items():  # every row whole: as many cells as the header
        widths = {line.count(' | ') for line in table.splitlines() if not line.startswith('|---')}
        assert len(widths) == 1, key


def test_readme_drift_is_caught():
    text = open(osp.join(REPO, 'README.md'), encoding='utf-8').read()
    tables = mf.readme_tables()
    drifted = text.replace(tables['imagenet'].splitlines()[2], tables['imagenet'].splitlines()[2][:60])
    assert drifted != text and mf.render_readme(drifted, tables) == text
    with pytest.raises(mf.MetafileError, match='no block'):
        mf.render_readme('no markers here', tables)


def test_specs_use_row_configs_and_metafile_row_names():
    """Specs name paper rows as the metafiles do and never swap a backbone variant through cfg_options."""
    paper = mf.paper_numbers()
    names = set(paper['tables_8_9']['rows']) | set(paper['table6']['rows']) | set(paper['table5']['rows'])
    for spec_path in glob.glob(osp.join(REPO, 'configs/reproduce/*.py')):
        for row in Config.fromfile(spec_path).rows:
            assert row.get('paper_row') is None or row['paper_row'] in names, (spec_path, row)
            assert not any('variant' in o for o in row.get('cfg_options', [])), (spec_path, row)


MACHINE_PATH = re.compile(r'(?<![\w.])/(?:work|home|Users|root|mnt)/')


def test_no_machine_paths():
    files = [osp.join(REPO, 'README.md')] + [
        p for pattern in ('configs/**/*.py', 'configs/**/*.yml', 'docs/**/*.md', 'tricks_mm/**/*.py',
                          'tools/**/*.py') for p in glob.glob(osp.join(REPO, pattern), recursive=True)]
    found = [(osp.relpath(p, REPO), m.group(0)) for p in files
             for m in [MACHINE_PATH.search(open(p, encoding='utf-8').read())] if m]
    assert not found, f'absolute paths of a machine: {found}'


def test_full_scale_spec_lists_every_row(env):
    spec = load_spec(osp.join(REPO, 'configs/reproduce/full_scale.py'))
    configs = {osp.join(REPO, r.config) for r in spec.rows}
    full = {osp.join(REPO, m['Config']) for m in MODELS if m.get('Paper Rows')}
    assert configs == full  # Tables 4, 5, 6 (and the teachers), 8 (FPN and C4), 9
    assert len(spec.rows) == len(full)
    names = {r.name: r for r in spec.rows}
    for r in spec.rows:
        if r.task != 'cls':
            classifier = _declared(mf.config_metadata(_cfg(r.config), osp.basename(r.config)[:-3])['Classifier'])
            assert names[r.init_from].config == classifier['Config']


def test_small_real_spec_is_the_protocol(env):
    """configs/reproduce/small_real.py runs every Imagenette classifier (docs/small_scale_reproduction.md) with 2
    seeds, the teacher with one, the KD row from the teacher row's seed-0 final checkpoint, and the BCCD and CamVid
    rows of configs/small from the classifier row their metafile names (no fruit rows)."""
    spec = load_spec(osp.join(REPO, 'configs/reproduce/small_real.py'))
    assert spec.seeds == [0, 1]
    classifiers = [r for r in spec.rows if r.task == 'cls']
    assert {osp.join(REPO, r.config) for r in classifiers} == set(glob.glob(osp.join(REPO, 'configs/imagenette/*.py')))
    transfer = [r for r in spec.rows if r.task != 'cls']
    assert {osp.join(REPO, r.config) for r in transfer} == {
        p for p in glob.glob(osp.join(REPO, 'configs/small/*.py')) if '_bccd' in p or '_camvid' in p}
    names = {r.name: r for r in spec.rows}
    for r in transfer:
        classifier = _declared(mf.config_metadata(_cfg(r.config), osp.basename(r.config)[:-3])['Classifier'])
        assert names[r.init_from].config == classifier['Config']
    teachers = [r for r in classifiers if r.seeds]
    assert len(teachers) == 1 and teachers[0].seeds == [0]
    teacher = teachers[0]
    kd = [r for r in classifiers if _cfg(r.config).model.type == 'tricks_mm.DistillImageClassifier']
    assert len(kd) == 1
    assert spec.rows.index(teacher) < spec.rows.index(kd[0])
    # the runner passes the teacher row's final checkpoint of seed 0 (model.teacher_checkpoint)
    assert (kd[0].teacher_from, kd[0].teacher_seed) == (teacher.name, 0)
    assert not any(o.startswith('model.teacher_checkpoint') for o in kd[0].cfg_options)
    assert osp.basename(_cfg(kd[0].config).model.teacher) == osp.basename(teacher.config)
    # the tables' labels: paper_row is a row the classifier's metafile mirrors (Tables 8/9, 6 or 5)
    for r in classifiers:
        if r.paper_row:
            mirrors = {m['Row'] for m in _declared(osp.basename(r.config)[:-3])['Mirrors']}
            variant = {'ResNet-50': 'A', 'ResNet-50-B': 'B', 'ResNet-50-C': 'C', 'ResNet-50-D': 'D'}
            assert r.paper_row in mirrors | {variant[m] for m in mirrors if m in variant}, r


def _gen_tool():
    import importlib.util
    spec = importlib.util.spec_from_file_location('gen_readme_tables', osp.join(REPO, 'tools/misc/gen_readme_tables.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_tables_of_readme_and_small_scale_doc_are_up_to_date():
    for name, (text, new) in _gen_tool().generated().items():
        assert new == text, f'{name} drifted from its sources: run python tools/misc/gen_readme_tables.py'


def test_small_scale_results_blocks(tmp_path):
    """README gets the transfer table of the generated report, the protocol document the whole report."""
    tool = _gen_tool()
    assert tool.results_blocks(str(tmp_path)) == {}  # before the first report
    report = tmp_path / tool.RESULTS
    report.parent.mkdir(parents=True)
    report.write_text('## Transfer results: t\n\nSpec `s.py`.\n\n| Backbone | Top-1 ours |\n|---|---:|\n| B | 57.35 |\n\n'
                      '### Rank correlation with classifier top-1\n\n| Downstream |\n\n### Runs\n\n| Row |\n')
    blocks = tool.results_blocks(str(tmp_path))
    assert blocks['small-real-transfer'].startswith('Spec `s.py`.\n\n| Backbone | Top-1 ours |')
    assert '| B | 57.35 |' in blocks['small-real-transfer'] and 'Rank' not in blocks['small-real-transfer']
    assert tool.DOC in blocks['small-real-transfer']
    assert blocks['small-real-report'].startswith('Spec') and '### Runs' in blocks['small-real-report']
    assert 'Transfer results: t' not in blocks['small-real-report']
