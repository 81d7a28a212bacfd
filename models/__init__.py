from . import amazon_marketplace
from . import amazon_account
from . import amazon_account_marketplace
