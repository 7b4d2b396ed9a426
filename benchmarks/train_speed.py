"""Training speed in the real training path: Runner, the config's data loader and workers, data preprocessor,
loss, backward, optimizer step and hooks, for the three tasks of the paper's chain.

    python benchmarks/train_speed.py [--tasks cls det det_eval seg] [--rounds 3] [--iters 4] [--warmup 2]
                                     [--data-root ../shared/data] [--force-bf16] [--no-profile] [--quick]

Each task runs several *rows* (the same config with one setting changed: precision, channels_last, the fast
RoIAlign, or the stock OpenMMLab backbone in place of ``tricks_mm.TricksResNet``). Rows are interleaved: every
round builds each row's Runner and times ``--iters`` iterations after ``--warmup``; the figure is the median over
rounds of each round's median, so machine noise hits all rows alike. Printed per row: s/iter, images/s, the
data-loader wait per iteration, the data workers' CPU share, and ratios to the task's fp32 row ("today") and to
the stock row. Then a torch-profiler breakdown of one step of the baseline and of the fastest row.

``--quick`` runs the smoke configs on synthetic data for a few iterations (what the test suite calls).
bf16 rows run only where oneDNN reports native bf16 (AVX512-BF16/AMX), unless ``--force-bf16``.
"""
import argparse
import copy
import os
import os.path as osp
import statistics
import sys
import tempfile
import time
import warnings

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

import torch  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402

import tricks_mm  # noqa: E402,F401
from tricks_mm.apis.cli import build_runner, load_config  # noqa: E402
from tricks_mm.engine.optim_wrappers import cpu_has_native_bf16  # noqa: E402
from tricks_mm.utils.machine import cpu_description  # noqa: E402

TASKS = {
    'cls': dict(config='configs/imagenette/resnet18-d_1xb64-efficient-cos-ls-8e_imagenette-40px.py',
                quick='configs/smoke/resnet18-d_synthetic-cls_smoke.py', kind='cls'),
    'det': dict(config='configs/small/faster-rcnn_r18-d-cos-ls_fpn_1xb2-2e_bccd.py',
                quick='configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py', kind='det'),
    'det_eval': dict(config='configs/small/faster-rcnn_r18-d-cos-ls_fpn_1xb2-2e_bccd.py',
                     quick='configs/smoke/faster-rcnn_r18-d_fpn_synthetic-voc_smoke.py', kind='det', test=True),
    'seg': dict(config='configs/small/fcn_r18-d-cos-ls-d8_1xb4-400i_camvid-192x192.py',
                quick='configs/smoke/fcn_r18-d8_synthetic-ade_smoke.py', kind='seg'),
}

# Settings a row combines. Each takes the loaded config and the task's kind and changes it in place.


def _fp32(cfg, kind):
    wrapper = cfg.optim_wrapper
    for key in ('dtype', 'device_type', 'force', 'loss_scale'):
        wrapper.pop(key, None)
    wrapper.type = 'OptimWrapper'


FORCE_BF16 = False  # --force-bf16


def _bf16(cfg, kind):
    _fp32(cfg, kind)
    cfg.optim_wrapper.type = 'tricks_mm.BF16OptimWrapper'
    cfg.optim_wrapper.force = FORCE_BF16


def _channels_last(cfg, kind):
    hooks = [h for h in cfg.get('custom_hooks', []) if h.get('type') != 'tricks_mm.ChannelsLastHook']
    cfg.custom_hooks = hooks + [dict(type='tricks_mm.ChannelsLastHook')]


def _fast_roi(cfg, kind):
    if kind == 'det':
        cfg.model.roi_head.bbox_roi_extractor.type = 'tricks_mm.SingleRoIExtractor'


def _mmcv_roi(cfg, kind):
    if kind == 'det':
        cfg.model.roi_head.bbox_roi_extractor.type = 'SingleRoIExtractor'


def _stock(cfg, kind):
    """The same network from the stock OpenMMLab backbone (ResNetV1d of mmpretrain/mmdet/mmseg)."""
    ours = cfg.model.backbone
    if ours.get('variant', 'D') != 'D':
        raise ValueError('the stock row compares with ResNetV1d: use a variant D config')
    stock = dict(type='ResNetV1d', depth=ours.depth)
    if kind == 'cls':
        stock.update(zero_init_residual=ours.get('zero_init_residual', True))
    elif kind == 'det':
        stock.update(out_indices=ours.out_indices, frozen_stages=ours.get('frozen_stages', -1),
                     norm_cfg=ours.get('norm_cfg', dict(type='BN')), norm_eval=ours.get('norm_eval', False),
                     style='pytorch')
    else:
        stock.update(out_indices=ours.out_indices, strides=ours.strides, dilations=ours.dilations,
                     contract_dilation=ours.get('contract_dilation', False), norm_cfg=ours.norm_cfg,
                     norm_eval=ours.get('norm_eval', False))
    cfg.model.backbone = stock


ROWS = {  # name: settings, in the order printed
    'cls': [('stock fp32', (_stock, _fp32)), ('fp32', (_fp32, )), ('fp32 + channels_last', (_fp32, _channels_last)),
            ('stock bf16 + channels_last', (_stock, _bf16, _channels_last)), ('bf16', (_bf16, )),
            ('bf16 + channels_last', (_bf16, _channels_last))],
    'det': [('stock fp32', (_stock, _fp32, _mmcv_roi)), ('fp32', (_fp32, _mmcv_roi)),
            ('fp32 + fast RoIAlign', (_fp32, _fast_roi)),
            ('fp32 + fast RoIAlign + channels_last', (_fp32, _fast_roi, _channels_last)),
            ('stock fp32 + fast RoIAlign + channels_last', (_stock, _fp32, _fast_roi, _channels_last)),
            ('bf16 + fast RoIAlign', (_bf16, _fast_roi)),
            ('bf16 + fast RoIAlign + channels_last', (_bf16, _fast_roi, _channels_last))],
    'seg': [('stock fp32', (_stock, _fp32)), ('fp32', (_fp32, )), ('fp32 + channels_last', (_fp32, _channels_last)),
            ('stock bf16 + channels_last', (_stock, _bf16, _channels_last)), ('bf16', (_bf16, )),
            ('bf16 + channels_last', (_bf16, _channels_last))],
}
QUICK_ROWS = {'stock fp32', 'fp32', 'fp32 + channels_last', 'fp32 + fast RoIAlign + channels_last'}
ROWS['det_eval'] = [r for r in ROWS['det'] if 'stock' not in r[0] or r[0] == 'stock fp32']


class StepTimer(Hook):
    """Wall time of each iteration (data wait + step) and of the data wait alone, after ``warmup`` iterations;
    optionally profiles iteration ``warmup``."""
    priority = 'LOWEST'

    def __init__(self, warmup: int, profile: bool = False):
        self.warmup, self.profile = warmup, profile
        self.steps, self.waits, self.prof = [], [], None
        self._last = None
        self._cpu0 = None

    def _begin(self, i):
        now = time.perf_counter()
        if i == self.warmup:
            self._cpu0 = (_children_cpu_seconds(), now)
            if self.profile:
                self.prof = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU])
                self.prof.__enter__()
        if self._last is not None and i >= self.warmup:
            self.waits.append(now - self._last)
        self._t0 = now

    def _end(self, i):
        now = time.perf_counter()
        if i >= self.warmup and self._last is not None:
            self.steps.append(now - self._last)
        if i == self.warmup and self.prof is not None:
            self.prof.__exit__(None, None, None)
        self._last = now
        self._cpu1 = (_children_cpu_seconds(), now)

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self._begin(runner.iter)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self._end(runner.iter)

    def before_test_iter(self, runner, batch_idx, data_batch=None):
        self._begin(batch_idx)

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self._end(batch_idx)

    def worker_share(self):
        """CPU seconds of the data workers per wall second per core, over the timed iterations."""
        if self._cpu0 is None:
            return float('nan')
        (c0, t0), (c1, t1) = self._cpu0, self._cpu1
        return (c1 - c0) / max(t1 - t0, 1e-9) / os.cpu_count()


def _children_cpu_seconds() -> float:
    """user + system CPU seconds of this process's live child processes (the data-loader workers)."""
    me, total, tick = str(os.getpid()), 0.0, os.sysconf('SC_CLK_TCK')
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _prepare(cfg, task, args, iters, work_dir):
    """Time ``iters`` iterations of the real training (or test) loop, and nothing else."""
    cfg.work_dir = work_dir
    cfg.load_from, cfg.resume = None, False
    cfg.log_level = 'WARNING'
    cfg.randomness = dict(seed=0)
    if 'init_cfg' in cfg.model.backbone:
        cfg.model.backbone.init_cfg = None  # no classifier checkpoint needed to time a step
    if not TASKS[task].get('test'):
        cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=iters, val_interval=10**9)
        cfg.param_scheduler = []
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
        cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    else:
        cfg.test_dataloader.dataset.indices = iters * cfg.test_dataloader.batch_size
    hooks = cfg.default_hooks
    hooks.checkpoint = dict(type='CheckpointHook', interval=10**9, by_epoch=False)
    hooks.logger = dict(type='LoggerHook', interval=10**6, log_metric_by_epoch=False)
    if 'visualization' in hooks:
        hooks.pop('visualization')


def run_row(task, row, settings, args, work_dir, profile=False):
    path = TASKS[task]['quick' if args.quick else 'config']
    cfg = load_config(osp.join(REPO, path))
    for setting in settings:
        setting(cfg, TASKS[task]['kind'])
    _prepare(cfg, task, args, args.warmup + args.iters, work_dir)
    runner = build_runner(cfg)
    timer = StepTimer(args.warmup, profile)
    runner.register_hook(timer)
    if TASKS[task].get('test'):
        runner.test()
        batch = cfg.test_dataloader.batch_size
    else:
        runner.train()
        batch = cfg.train_dataloader.batch_size
    result = dict(step=statistics.median(timer.steps), wait=statistics.median(timer.waits or [0.0]),
                  share=timer.worker_share(), batch=batch, prof=timer.prof)
    del runner
    return result


def make_quick_data(root: str) -> str:
    """The project's synthetic sets in the layouts the smoke configs read."""
    from tricks_mm.datasets.synthetic import make_ade20k, make_classification_set, make_voc_devkit
    make_classification_set(osp.join(root, 'imagenet'))
    make_voc_devkit(root)
    make_ade20k(root)
    return root


def print_profile(title, prof, step_seconds, limit):
    events = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in events) or 1.0
    print(f'  profile, {title} (one step, self CPU time, share of all recorded op time):')
    for e in events[:limit]:
        print(f'    {e.key[:60]:60s} {e.self_cpu_time_total / 1e3:9.1f} ms  {100 * e.self_cpu_time_total / total:5.1f} %'
              f'  calls {e.count}')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--tasks', nargs='+', default=['cls', 'det', 'det_eval', 'seg'], choices=sorted(TASKS))
    parser.add_argument('--rows', nargs='+', help='only rows whose name contains one of these strings')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--iters', type=int, default=4)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--data-root', default=None, help='DATA_ROOT for the configs (default: theirs)')
    parser.add_argument('--force-bf16', action='store_true', help='run bf16 rows without native bf16 (slow)')
    parser.add_argument('--no-profile', action='store_true')
    parser.add_argument('--profile-rows', type=int, default=12, help='ops listed per profile')
    parser.add_argument('--quick', action='store_true', help='smoke configs on synthetic data (tests)')
    parser.add_argument('--markdown', help='also write the tables to this Markdown file')
    parser.add_argument('--config', nargs='+', default=[], metavar='TASK=PATH',
                        help='time another config for a task, e.g. det=configs/small/my_det.py')
    args = parser.parse_args()
    for item in args.config:
        task, _, path = item.partition('=')
        if task not in TASKS or not path:
            parser.error(f'--config takes TASK=PATH with TASK in {sorted(TASKS)}, got {item!r}')
        TASKS[task]['quick' if args.quick else 'config'] = path
    warnings.filterwarnings('ignore')  # the stacks' deprecation chatter would bury the figures
    global FORCE_BF16
    FORCE_BF16 = args.force_bf16
    native = cpu_has_native_bf16()
    print(f'CPU: {cpu_description()}')
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads; median of {args.rounds} interleaved '
          f'rounds x {args.iters} iterations after {args.warmup} warm-up, real training path')
    markdown = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.quick and not args.data_root:
            args.data_root = make_quick_data(osp.join(tmp, 'data'))
        if args.data_root:
            os.environ['DATA_ROOT'] = args.data_root  # read by the configs when they are loaded
        for task in args.tasks:
            rows = [(n, s) for n, s in ROWS[task] if ('bf16' not in n or native or args.force_bf16)
                    and (not args.rows or any(r in n for r in args.rows))
                    and (not args.quick or n in QUICK_ROWS)]
            skipped = [n for n, _ in ROWS[task] if 'bf16' in n and not (native or args.force_bf16)]
            results = {n: [] for n, _ in rows}
            profiles = {}
            for r in range(args.rounds):
                for name, settings in rows:
                    last = r == args.rounds - 1 and not args.no_profile
                    res = run_row(task, name, settings, args, osp.join(tmp, f'{task}_{r}_{len(results)}'),
                                  profile=last)
                    results[name].append(res)
                    if res['prof'] is not None:
                        profiles[name] = (res['prof'], res['step'])
            markdown += report(task, args, results, profiles, skipped)
    if args.markdown:
        with open(args.markdown, 'w') as f:
            f.write(f'Measured with `python benchmarks/train_speed.py {" ".join(sys.argv[1:])}`\n\n'
                    f'CPU: {cpu_description()}; torch {torch.__version__}, {torch.get_num_threads()} threads; '
                    f'median of {args.rounds} interleaved rounds x {args.iters} iterations.\n\n'
                    + '\n'.join(markdown) + '\n')
        print(f'\nwrote {args.markdown}')


def report(task, args, results, profiles, skipped):
    path = TASKS[task]['quick' if args.quick else 'config']
    what = 'evaluation (tools/test.py loop)' if TASKS[task].get('test') else 'training'
    print(f'\n== {task}: {path}, {what}')
    med = {n: dict(step=statistics.median(r['step'] for r in rs), wait=statistics.median(r['wait'] for r in rs),
                   share=statistics.median(r['share'] for r in rs), batch=rs[0]['batch'])
           for n, rs in results.items()}
    base = med.get('fp32', {}).get('step')
    stock = {n: v['step'] for n, v in med.items() if n.startswith('stock')}
    print(f'  {"row":44s} {"s/iter":>8s} {"img/s":>7s} {"wait s":>7s} {"workers":>8s} {"vs fp32":>8s} {"vs stock":>8s}')
    md = [f'**{task}** (`{path}`, {what})', '',
          '| row | s/iter | images/s | data wait s/iter | workers CPU | vs fp32 | ours / stock |',
          '|---|---:|---:|---:|---:|---:|---:|']
    for name, m in med.items():
        twin = 'stock ' + name if ('stock ' + name) in stock else None
        vs_base = f'{base / m["step"]:7.2f}x' if base else ''
        vs_stock = f'{m["step"] / stock[twin]:7.3f}' if twin else ''
        print(f'  {name:44s} {m["step"]:8.3f} {m["batch"] / m["step"]:7.2f} {m["wait"]:7.3f} '
              f'{100 * m["share"]:7.1f}% {vs_base:>8s} {vs_stock:>8s}')
        md.append(f'| {name} | {m["step"]:.3f} | {m["batch"] / m["step"]:.2f} | {m["wait"]:.3f} | '
                  f'{100 * m["share"]:.1f} % | {vs_base.strip()} | {vs_stock.strip()} |')
    if skipped:
        md.append(f'\nNot run (no native bf16 on this CPU): {", ".join(skipped)}.')
    print('  (vs fp32: speed-up over the fp32 row = today\'s default path; vs stock: our step time / the stock '
          'OpenMMLab backbone\'s with the same settings, target <= 1.03)')
    if skipped:
        print(f'  skipped (no native bf16 on this CPU; --force-bf16 runs them): {", ".join(skipped)}')
    if profiles:
        fastest = min(med, key=lambda n: med[n]['step'])
        for name in dict.fromkeys(['fp32', fastest]):
            if name in profiles:
                print_profile(name, *profiles[name], args.profile_rows)
    return md + ['']


if __name__ == '__main__':
    main()
