from . import itsm_events
from . import portal
from . import knowledge
