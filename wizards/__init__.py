from . import amazon_order_recover
from . import amazon_order_cancel
from . import amazon_payout
