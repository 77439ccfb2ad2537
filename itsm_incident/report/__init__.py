from . import itsm_kpi_measures
from . import itsm_kpi_report
from . import itsm_kpi_summary
from . import itsm_kpi_fault_rate
