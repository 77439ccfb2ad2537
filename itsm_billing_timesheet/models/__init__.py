from . import contract_line
from . import itsm_billing_item
from . import itsm_billing_run
