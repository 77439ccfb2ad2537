from . import itsm_screening_wizard
from . import itsm_phone_intake_wizard
from . import itsm_ticket_withdraw_wizard
