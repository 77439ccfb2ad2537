from . import test_billing_run
from . import test_billing_deadline
from . import test_access_matrix
from . import test_billing_rollback
from . import test_billing_notice
from . import test_billing_variance_report
from . import test_billing_models
from . import test_usage_import
