{
    "name": "Amazon Seller Central Connector",
    "summary": "Import Amazon orders (FBA and FBM) through the Selling Partner API, "
    "confirm shipments, sync cancellations and stock",
    "version": "18.0.1.0.0",
    "development_status": "Alpha",
    "category": "Sales/Sales",
    "website": "https://github.com/sale-amazon-connector/sale_amazon_connector",
    "author": "Sale Amazon Connector contributors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "external_dependencies": {
        "python": ["python-amazon-sp-api", "tenacity"],
    },
    "depends": ["sale_management", "sale_stock", "stock_delivery", "account"],
    # Odoo Enterprise's connector uses the same model names (amazon.account, ...).
    "excludes": ["sale_amazon"],
    "data": [
        # Groups first: the access rules and views below refer to them.
        "security/sale_amazon_connector_groups.xml",
        "security/ir.model.access.csv",
        "security/amazon_security.xml",
        "data/amazon_marketplace_data.xml",
        "data/product_data.xml",
        "data/ir_cron_data.xml",
        "data/amazon_carrier_data.xml",
        "data/amazon_accounting_data.xml",
        "views/amazon_marketplace_views.xml",
        # The account form's "Recover order" button opens the wizard's action.
        "wizards/amazon_order_recover_views.xml",
        "wizards/amazon_order_cancel_views.xml",
        "views/amazon_account_views.xml",
        "views/amazon_sync_run_views.xml",
        "views/sale_order_views.xml",
        "views/amazon_carrier_views.xml",
        "views/stock_picking_views.xml",
        "views/amazon_account_accounting_views.xml",
        "views/sale_report_views.xml",
        "wizards/amazon_payout_views.xml",
        "views/amazon_offer_views.xml",
        "views/amazon_account_stock_views.xml",
        "views/amazon_account_health_views.xml",
        # Menus last: they point to the actions above.
        "views/sale_amazon_connector_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "sale_amazon_connector/static/tests/tours/*.js",
        ],
    },
}
