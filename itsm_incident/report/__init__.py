from . import itsm_kpi_report
