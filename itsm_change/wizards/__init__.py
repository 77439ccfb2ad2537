from . import itsm_change_conflict_accept
