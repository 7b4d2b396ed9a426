"""benchmarks/train_speed.py in its quick mode: the real training path of all three tasks (and detector
evaluation), timed rows side by side with the stock OpenMMLab backbone, and a profile of a step."""
import re

from conftest import assert_ok, run_tool


def test_quick_benchmark_prints_every_task_and_row():
    proc = run_tool(['benchmarks/train_speed.py', '--quick', '--rounds', '1', '--iters', '1', '--warmup', '1',
                     '--profile-rows', '3'], timeout=1200)
    assert_ok(proc)
    out = proc.stdout
    assert re.search(r'^CPU: .+; \d+ cores; flags .*; oneDNN native bf16: (yes|no)', out, re.M)
    for task in ('cls', 'det', 'det_eval', 'seg'):
        assert f'== {task}:' in out
    # every timed row prints s/iter and img/s as numbers; ours is compared with the stock backbone
    rows = re.findall(r'^  (stock fp32|fp32(?: \+ [\w ]+)?)\s+(\d+\.\d+)\s+(\d+\.\d+)', out, re.M)
    assert len(rows) >= 10, out
    assert all(float(t) > 0 for _, t, _ in rows)
    assert re.search(r'^  fp32 +\S+ +\S+ +\S+ +\S+% +1\.00x +\d\.\d{3}$', out, re.M), out
    assert 'profile, fp32' in out and 'convolution' in out
