from . import test_access
from . import test_ticket
from . import test_tour
from . import test_intake_email
from . import test_phone_intake
from . import test_portal
