from . import itsm_change_conflict_accept
from . import hr_departure_wizard
from . import itsm_request_delivery_wizard
from . import mail_compose_message
from . import itsm_change_cab_decision
