from . import itsm_events
from . import portal
from . import closure
from . import knowledge
