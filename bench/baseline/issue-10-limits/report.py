"""Prints this folder's figures: bench/compare-report.py over it (run from the repository root)."""
import runpy
import sys

sys.argv = ['compare-report.py', 'bench/baseline/issue-10-limits']
runpy.run_path('bench/compare-report.py', run_name='__main__')
