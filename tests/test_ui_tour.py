from datetime import datetime

from spapi_sandbox import manifest, samples

from odoo.tests import HttpCase, tagged

from odoo.addons.sale_amazon_connector.tests.common import (
    sample_seller_account,
    serve_for_class,
)


@tagged("post_install", "-at_install")
class TestAmazonAccountTour(HttpCase):
    def test_account_form_from_the_menu(self):
        """The administrator (an Amazon Manager) opens the Amazon menu, creates an
        account with its secrets and saves; the secret is not shown back."""
        self.start_tour("/odoo", "sale_amazon_connector_account_form", login="admin")
        account = self.env["amazon.account"].search(
            [("seller_ref", "=", "A2TOURSELLER")]
        )
        self.assertEqual(account.name, "Tour shop")
        self.assertEqual(account.home_marketplace_id.marketplace_ref, "A1PA6795UKMFR9")
        self.assertEqual(account.sudo().refresh_token, "Atzr|tour-token")
        self.assertEqual(
            account.sudo().lwa_client_secret, "amzn1.oa2-cs.v1.tour-secret"
        )
        self.assertEqual(
            account.account_marketplace_ids.marketplace_id.name, "Amazon.de"
        )


@tagged("post_install", "-at_install")
class TestAmazonSyncOrdersTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the order cron deactivated: SYNC ORDERS runs the sync in the request (with
        # the cron active it would trigger the cron instead)
        cls.env.ref("sale_amazon_connector.ir_cron_amazon_sync_orders").active = False
        scenario = samples.sample_scenario(orders=5)
        cls.expected = manifest.build(scenario)["sellers"][samples.SELLER_PII]
        cls.sandbox = serve_for_class(cls, scenario)
        cls.account = sample_seller_account(
            cls.env, cls.sandbox, "Tour sync shop", since=datetime(2026, 10, 1)
        )

    def test_sync_orders_button_then_amazon_filter(self):
        """In developer mode, SYNC ORDERS imports the orders, which the Amazon filter
        of the sales orders list then shows (5 orders, as the manifest expects)."""
        self.assertEqual(len(self.expected["orders"]), 5)
        self.start_tour(
            "/odoo/action-sale_amazon_connector.amazon_account_action?debug=1",
            "sale_amazon_connector_sync_orders",
            login="admin",
        )
        orders = self.env["sale.order"].search(
            [("amazon_account_id", "=", self.account.id)]
        )
        self.assertEqual(
            sorted(orders.mapped("amazon_order_ref")), sorted(self.expected["orders"])
        )
