from . import after_commit
from . import working_time
from . import china_holidays
from . import sms_gateway
from . import cron
