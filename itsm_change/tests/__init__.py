from . import test_request
