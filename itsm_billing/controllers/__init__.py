from . import run_report
