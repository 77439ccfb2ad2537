from . import itsm_priority
from . import itsm_priority_matrix
from . import itsm_grade_rule
from . import itsm_event_nature
from . import res_company
from . import res_users
from . import res_config_settings
from . import helpdesk_ticket
