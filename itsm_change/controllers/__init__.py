from . import delivery
from . import portal
from . import closure
