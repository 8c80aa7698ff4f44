"""Prints this folder's figures: bench/compare-report.py over each of its runs (run from the repository root)."""
import runpy
import sys

for run in ['g2-r1.5', 'g2-r1.5-inline-acks', 'g10-r2-inline-acks']:
    print(f'== {run}')
    sys.argv = ['compare-report.py', f'bench/baseline/issue-15-handler-threads/{run}']
    runpy.run_path('bench/compare-report.py', run_name='__main__')
