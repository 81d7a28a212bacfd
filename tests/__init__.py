from . import test_marketplace_data
from . import test_account_security
from . import test_account_marketplace
from . import test_ui_tour
from . import test_order_sync
from . import test_order_import
from . import test_shipments
from . import test_cancellations
