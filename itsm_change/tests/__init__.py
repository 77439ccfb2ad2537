from . import test_request
from . import test_access_matrix
