from . import test_change_workflow
from . import test_change_rules
from . import test_request
from . import test_access_matrix
from . import test_system_account
from . import test_request_delivery
from . import test_request_filing
from . import test_change_notices
