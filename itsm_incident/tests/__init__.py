from . import test_access
from . import test_monitoring_events
from . import test_ticket
from . import test_tour
