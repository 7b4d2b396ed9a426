"""Rows as Slurm jobs: each row+seed becomes one ``sbatch`` job that trains then tests it (``srun`` and
mmengine's slurm launcher, :class:`tricks_mm.reproduce.runner.SlurmStep`); a row reading another row's
checkpoint (``init_from``, ``teacher_from``) waits for that job (``--dependency=afterok:<job>``, cancelled
with it: ``--kill-on-invalid-dep=yes``); independent rows are submitted at once.

The guarantees of the local runner hold across the cluster: the job id goes into the row's
``result.json`` (``status: queued``, then the job's own ``running``/``done``); running the same command
again skips done rows, leaves alone rows whose job is still pending or running (``squeue``), and submits
again failed or cancelled ones, which resume from their last checkpoint. :func:`status` shows each row's
state (``sacct`` for finished jobs).
"""
import os
import os.path as osp
import shlex
import subprocess
from typing import Dict, List, Optional

from tricks_mm.utils.json_file import write_json

from .records import Row, Run
from .runner import REPO, Job, Runner, _closed_parts, latest_log, processes, record_lock

ACTIVE_STATES = ('PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING')


class SlurmError(RuntimeError):
    """A Slurm command failed or is missing."""


def _slurm(cmd: List[str]) -> str:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError:
        raise SlurmError(f'{cmd[0]} is not on PATH: the slurm backend runs on a Slurm login node '
                         '(or start scripts/slurm_local_cluster.sh)') from None
    if proc.returncode != 0:
        raise SlurmError(f'{" ".join(cmd)} failed (exit {proc.returncode}): {proc.stderr.strip()}')
    return proc.stdout


def queue() -> Dict[str, str]:
    """``{job id: state}`` of every job in the queue (``squeue``)."""
    out = _slurm(['squeue', '--noheader', '--format=%i|%T'])
    return dict(line.strip().split('|', 1) for line in out.splitlines() if '|' in line)


def accounting(job_ids: List[str]) -> Dict[str, str]:
    """``{job id: final state}`` from ``sacct`` (empty when accounting is not available)."""
    if not job_ids:
        return {}
    try:
        out = _slurm(['sacct', '--noheader', '--parsable2', '--allocations', '--format=JobID,State',
                      '--jobs=' + ','.join(job_ids)])
    except SlurmError:
        return {}
    states = {}
    for line in out.splitlines():
        if '|' in line:
            job, state = line.split('|', 1)
            states[job.strip()] = state.split()[0] if state.strip() else 'UNKNOWN'  # "CANCELLED by 0"
    return states


class Slurm:
    """The submitter: ``partition``, ``gpus_per_row`` tasks per row (one GPU each; 0: one CPU task; ``'auto'``:
    the GPUs the config's name states, :func:`~tricks_mm.reproduce.runner.processes`),
    optional ``cpus_per_task``, ``time`` and ``extra_sbatch`` (more ``#SBATCH`` options, e.g.
    ``'--account=x --qos=y'``)."""

    def __init__(self, partition: str, gpus_per_row, cpus_per_task: Optional[int] = None,
                 time: Optional[str] = None, extra_sbatch: Optional[str] = None):
        if gpus_per_row != 'auto' and int(gpus_per_row) < 0:
            raise ValueError(f'--gpus-per-row {gpus_per_row}: 0 (CPU), more, or auto')
        self.partition, self.gpus, self.cpus, self.time = partition, gpus_per_row, cpus_per_task, time
        self.extra = shlex.split(extra_sbatch or '')

    def script(self, runner: Runner, row: Row, seed: int, log: str) -> str:
        """The job script: one task per GPU, the spec's environment, then this runner for the one row+seed."""
        spec, gpus = runner.spec, processes(row.config, self.gpus)
        options = [f'--job-name={spec.table}.{row.name}.seed{seed}', f'--partition={self.partition}',
                   f'--ntasks={max(gpus, 1)}', f'--output={log}', '--open-mode=append']
        if gpus:
            options.append('--gpus-per-task=1')
        if self.cpus:
            options.append(f'--cpus-per-task={self.cpus}')
        if self.time:
            options.append(f'--time={self.time}')
        options += self.extra
        env = dict(spec.env, PYTHONPATH=REPO + ':${PYTHONPATH:-}',
                   TRICKS_MM_SLURM_LOG=log.replace('%j', '${SLURM_JOB_ID}'))
        if self.cpus:  # srun does not inherit sbatch's --cpus-per-task since Slurm 22.05
            env['SRUN_CPUS_PER_TASK'] = str(self.cpus)
        command = [runner.python, osp.join(REPO, 'tools', 'reproduce.py'), 'run', osp.abspath(spec.path),
                   '--work-root', spec.work_root, '--seeds', str(seed), '--rows', row.name, '--no-table',
                   '--in-slurm-job', '--python', runner.python]
        if spec.results_dir:
            command += ['--results-dir', spec.results_dir]
        lines = ['#!/bin/bash'] + [f'#SBATCH {o}' for o in options] + [
            f'# {spec.table}: row {row.name}, seed {seed} (written by tools/reproduce.py --backend slurm)',
            'set -e', f'cd {shlex.quote(REPO)}']
        lines += [f'export {k}="{v}"' if '${' in v else f'export {k}={shlex.quote(v)}' for k, v in env.items()]
        lines.append('exec ' + ' '.join(map(shlex.quote, command)))
        return '\n'.join(lines) + '\n'

    def submit(self, runner: Runner, jobs: List[Job]) -> Dict[str, str]:
        """Submit every row+seed of ``jobs`` that is neither done nor queued/running; returns
        ``{'<row>/seed<k>': job id}`` of the jobs submitted now."""
        spec, echo = runner.spec, runner.echo
        active = queue()
        in_flight: Dict[tuple, str] = {}  # (row, seed) -> job id, queued before or now
        submitted = {}
        for k, (row, seed) in enumerate(jobs, 1):
            head = f'[reproduce {spec.table}] row {k}/{len(jobs)} {row.name} seed {seed}'
            record = runner.result(row, seed)
            if record and record.job_id in active:
                in_flight[(row.name, seed)] = record.job_id
                echo(f'{head}: job {record.job_id} is {active[record.job_id].lower()}; not submitted again')
                continue
            parents_in_flight = [in_flight[p] for p in row.parents(seed) if p in in_flight]
            plan = runner.plan(row, seed, jobs)
            if not plan.run and not parents_in_flight:
                echo(f'{head}: done before, skipped ({plan.record.metrics})')
                continue
            for name, parent_seed in row.parents(seed):
                if (name, parent_seed) not in in_flight and runner.plan(spec.row(name), parent_seed, jobs).run:
                    raise RuntimeError(f'{head}: row {name} (seed {parent_seed}), whose checkpoint it reads, is '
                                       'neither done nor queued; run the spec without --rows, or that row first')
            if plan.fresh or parents_in_flight:  # a run made from an older checkpoint of a parent trained again
                runner.set_aside(row, seed, plan.why if plan.fresh else 'a row it reads is trained again')
            job_id = self._submit_one(runner, row, seed, parents_in_flight)
            in_flight[(row.name, seed)] = submitted[f'{row.name}/seed{seed}'] = job_id
            after = f' after job {":".join(parents_in_flight)}' if parents_in_flight else ''
            echo(f'{head}: submitted as job {job_id}{after} ({plan.why})')
        return submitted

    def _submit_one(self, runner: Runner, row: Row, seed: int, after: List[str]) -> str:
        run_dir = runner.run_dir(row, seed)
        folder = osp.join(runner.spec.work_root, 'slurm')  # outside the row folder, which may be set aside
        os.makedirs(folder, exist_ok=True)
        stem = osp.join(folder, f'{row.name}.seed{seed}')
        log = stem + '.%j.out'
        with open(stem + '.sh', 'w') as f:
            f.write(self.script(runner, row, seed, log))
        cmd = ['sbatch', '--parsable', '--kill-on-invalid-dep=yes']
        if after:
            cmd.append('--dependency=afterok:' + ':'.join(after))
        cmd.append(stem + '.sh')
        with record_lock(run_dir):  # the job writes its record under the same lock
            job_id = _slurm(cmd).strip().split(';')[0]
            previous = runner.result(row, seed)
            if previous is None or previous.status in ('queued', 'running', 'failed'):
                write_json(osp.join(run_dir, 'result.json'), Run(
                    row=row.name, task=row.task, seed=seed, config=row.config, cfg_options=list(row.cfg_options),
                    init_from=row.init_from, teacher_from=row.teacher_from, work_dir=run_dir, command=cmd,
                    status='queued', parts=_closed_parts(previous, run_dir), backend='slurm', job_id=job_id,
                    log=log.replace('%j', job_id)).to_dict())
        return job_id


def status(runner: Runner, jobs: List[Job]) -> List[dict]:
    """Every row+seed: ``state`` (done, queued, running, failed, interrupted, not started), its job id and
    log, and ``detail`` (the metrics, or the Slurm state of a job that ended without finishing the row)."""
    records = {(r.name, s): runner.result(r, s) for r, s in jobs}
    ids = [rec.job_id for rec in records.values() if rec and rec.job_id]
    try:
        active = queue() if ids else {}
    except SlurmError:
        active = {}
    ended = accounting([i for i in ids if i not in active])
    out = []
    for row, seed in jobs:
        record, plan = records[(row.name, seed)], runner.plan(row, seed, jobs)
        job = record.job_id if record else None
        log = (record.log if record else None) or latest_log(runner.run_dir(row, seed))
        if not plan.run:
            state, detail = 'done', plan.record.metrics
        elif job in active:
            state, detail = ('queued' if active[job] == 'PENDING' else 'running'), active[job]
        elif record is None:
            state, detail = 'not started', ''
        elif record.status == 'running' and not job:
            from tricks_mm.utils.dir_lock import holder_pid
            pid = holder_pid(runner.run_dir(row, seed))
            state, detail = ('running', f'pid {pid}') if pid else ('interrupted', 'resumes when run again')
        else:
            state = 'failed'
            detail = ended.get(job, '') if job else f'exit {record.returncode}' if record.returncode else ''
            if plan.why != 'not done':
                detail = plan.why
        out.append(dict(row=row.name, seed=seed, state=state, job_id=job, log=log, detail=detail))
    return out


def render_status(states: List[dict]) -> str:
    from .tables import markdown_table
    body = [[s['row'], str(s['seed']), s['state'], s['job_id'] or '–',
             str(s['detail']) if s['detail'] != '' else '–', s['log'] if s['state'] != 'done' and s['log'] else '–']
            for s in states]
    return markdown_table(['Row', 'Seed', 'State', 'Job', 'Detail', 'Log'], body, text_columns=6)
