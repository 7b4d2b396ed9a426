"""Run a table of experiments (classifier rows, then the detection/segmentation rows they initialise and
the distillation rows of their teachers), resumably, and print the paper-style table.

    python tools/reproduce.py [run] SPEC [--seeds 0 1] [--rows NAME ...] [--work-root DIR] [--results-dir DIR]
    python tools/reproduce.py status SPEC [--work-root DIR]      # every row's state, then the table of what is done
                                                     # (and finished runs of DIR copied to the spec's results_dir)

Backends (the spec is the same for all):
    --backend local                          each row as one process, one row after another (default)
    --backend torchrun --nproc N             each row through tools/dist_train.sh / dist_test.sh with N processes
                                             (--gpus N is the same; on a CPU the processes talk through gloo)
    --backend slurm --partition P --gpus-per-row N [--cpus-per-task C] [--time T] [--extra-sbatch '...']
                                             each row+seed one sbatch job (train then test through srun and
                                             mmengine's slurm launcher, one task per GPU; N=0: one CPU task);
                                             a row reading another row's checkpoint waits for its job
                                             (--dependency=afterok), independent rows run at once; the command
                                             returns after submitting. Job scripts and logs:
                                             <work_root>/slurm/<row>.seed<k>.{sh,<job>.out}
    N=auto (either backend): the GPUs each config's name states (8xb128: 8, 4xb4: 4): the paper's batch.

Finished rows are skipped; an interrupted row resumes from its last checkpoint; with slurm, a row whose
job is pending or running is never submitted twice, a failed or cancelled one is submitted again and
resumes. Each run writes <work_root>/<row>/seed<k>/result.json; <work_root>/results.json gathers them.
A spec with `results_dir` (a folder in the repository, kept in git) gets a copy of every finished run
(result.json and its scalars): on a new machine those rows count as done, unless a row still to run needs
a checkpoint that is gone, which is then trained again. A row folder is locked while it runs (a second
runner is refused with the holder's pid), and the training/test children die with the runner (Ctrl-C,
SIGTERM, kill -9).
"""
import argparse
import os.path as osp
import sys

from tricks_mm.reproduce.runner import Local, Runner, SlurmStep, SpecError, Torchrun, load_spec
from tricks_mm.reproduce.report import write_report


def count(text):
    if text == 'auto':
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r}: a number or auto') from None


def parse_args(argv):
    argv = list(sys.argv[1:] if argv is None else argv)
    explicit = bool(argv) and argv[0] in ('run', 'status')
    command = argv.pop(0) if explicit else 'run'
    prog = f'reproduce.py {command if explicit else "[run|status]"}'
    parser = argparse.ArgumentParser(prog=prog, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('spec', help='table spec (a config file with `rows`)')
    parser.add_argument('--work-root', help='folder for every row (default: the spec\'s work_root)')
    parser.add_argument('--results-dir', help='committed copies of finished runs (default: the spec\'s results_dir)')
    parser.add_argument('--seeds', type=int, nargs='+', help='seeds to run (default: the spec\'s seeds)')
    parser.add_argument('--rows', nargs='+', help='run only these rows (the rows they read must be done)')
    parser.add_argument('--no-table', action='store_true', help='do not print the table at the end')
    parser.add_argument('--backend', choices=['local', 'torchrun', 'slurm'], default='local')
    parser.add_argument('--nproc', '--gpus', type=count, default=1,
                        help='torchrun: processes (GPUs) per row, or auto: as the config name says (8xb128: 8)')
    parser.add_argument('--partition', help='slurm: the partition (required with --backend slurm)')
    parser.add_argument('--gpus-per-row', type=count,
                        help='slurm: GPUs (tasks) per row, 0 = one CPU task, or auto: as the config name says')
    parser.add_argument('--cpus-per-task', type=int, help='slurm: CPUs per task')
    parser.add_argument('--time', help='slurm: time limit per job, e.g. 2-00:00:00')
    parser.add_argument('--extra-sbatch', help="slurm: more sbatch options, e.g. '--account=a --qos=q'")
    parser.add_argument('--in-slurm-job', action='store_true', help=argparse.SUPPRESS)  # the job script's call
    parser.add_argument('--python', default=sys.executable, help=argparse.SUPPRESS)  # interpreter of the tools
    args = parser.parse_args(argv)
    if command == 'run' and args.backend == 'slurm' and (args.partition is None or args.gpus_per_row is None):
        parser.error('--backend slurm needs --partition P and --gpus-per-row N (0 for a CPU task)')
    return command, args


def main(argv=None):
    command, args = parse_args(argv)
    try:
        spec = load_spec(args.spec, args.work_root, args.seeds, args.results_dir)
    except SpecError as e:
        sys.exit(f'error: {e}')
    results = osp.join(spec.work_root, 'results.json')
    if args.in_slurm_job:
        runner = Runner(spec, args.python, backend=SlurmStep(), in_job=(args.rows[0], args.seeds[0]))
    else:
        runner = Runner(spec, args.python, backend=Torchrun(args.nproc) if args.backend == 'torchrun' else Local())
    try:
        if command == 'status':
            from tricks_mm.reproduce.slurm import render_status, status
            print(render_status(status(runner, runner.jobs(args.rows))))
            runner.collect()
        elif args.backend == 'slurm' and not args.in_slurm_job:
            from tricks_mm.reproduce.slurm import Slurm
            Slurm(args.partition, args.gpus_per_row, args.cpus_per_task, args.time,
                  args.extra_sbatch).submit(runner, runner.jobs(args.rows))
            runner.collect()
            print(f'submitted; follow with: python tools/reproduce.py status {args.spec}'
                  + (f' --work-root {args.work_root}' if args.work_root else ''))
        else:
            runner.run(only=args.rows)
    except RuntimeError as e:  # includes a row folder locked by another runner or training, Slurm errors
        sys.exit(f'error: {e}')
    except KeyboardInterrupt as e:  # Ctrl-C, SIGTERM, SIGHUP: the children were stopped with us
        sys.stderr.write(f'interrupted: {e or "Ctrl-C"}\n')
        sys.exit(130)
    print(f'results: {results}')
    if not args.no_table:
        sys.stdout.write(write_report(results)['markdown'])


if __name__ == '__main__':
    main()
