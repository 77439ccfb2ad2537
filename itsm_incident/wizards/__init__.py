from . import itsm_screening_wizard
