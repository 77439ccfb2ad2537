from . import itsm_screening_wizard
from . import itsm_phone_intake_wizard
