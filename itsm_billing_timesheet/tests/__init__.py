from . import test_billing_hours
