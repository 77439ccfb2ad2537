from . import itsm_billing_variance_report
