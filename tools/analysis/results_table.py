"""Our results next to the paper's Tables 8/9 (He et al., CVPR 2019, Section 6), from a reproduce results file.

    python tools/analysis/results_table.py work_dirs/demo/results.json [--out-dir DIR] [--paper JSON]

Writes ``results_table.md`` and ``results_table.csv`` (default: next to the results file), prints the
Markdown (the table, then runs done/total and wall time per row) and the paths written.
See :mod:`tricks_mm.reproduce.tables` for the conventions (done runs only, mean ± sample std, percent).
"""
import argparse
import sys

from tricks_mm.reproduce.report import write_report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('results', help='results.json written by tools/reproduce.py')
    parser.add_argument('--out-dir', help='where to write the table (default: the results file directory)')
    parser.add_argument('--paper', help='published numbers as JSON in the layout of '
                        'tricks_mm.reproduce.metafile.paper_numbers() (default: read from configs/*/metafile.yml)')
    args = parser.parse_args(argv)
    report = write_report(args.results, args.out_dir, args.paper)
    sys.stdout.write(report['markdown'])
    print(f"\nWrote {report['md_path']} and {report['csv_path']}")


if __name__ == '__main__':
    main()
