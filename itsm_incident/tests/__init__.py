from . import test_access
from . import test_ticket
from . import test_tour
from . import test_priority_matrix
from . import test_screening
from . import test_working_time
from . import test_deadline
from . import test_sla
