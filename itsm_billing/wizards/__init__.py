from . import itsm_billing_run_challenge
from . import itsm_billing_usage_import
from . import itsm_billing_run_challenge_refusal
