from . import itsm_billing_run_challenge
