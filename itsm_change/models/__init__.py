from . import itsm_request_type
from . import itsm_deadline
from . import tier_definition
from . import tier_review
from . import helpdesk_ticket_request
