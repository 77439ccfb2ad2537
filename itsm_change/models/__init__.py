from . import itsm_change
from . import itsm_change_schedule
from . import itsm_change_freeze
from . import itsm_change_confirmation
from . import itsm_change_conflict
from . import res_config_settings
