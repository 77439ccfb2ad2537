from . import itsm_events
