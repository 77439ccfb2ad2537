from . import itsm_events
from . import portal
