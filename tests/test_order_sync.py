import json
from datetime import datetime

from spapi_sandbox import generator, manifest, serve

from odoo.tests import tagged
from odoo.tests.common import TransactionCase


@tagged("post_install", "-at_install")
class TestOrderSync(TransactionCase):
    """Order synchronization against the SP-API sandbox, through the real client.

    Ground truth: the generator's expected-outcome manifest, derived from the Amazon
    data alone.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario = generator.generate(orders=60, seed=11)
        cls.manifest = manifest.build(cls.scenario)
        cls.sandbox_cm = serve(scenario=cls.scenario, frozen=True)
        cls.sandbox = cls.sandbox_cm.__enter__()
        cls.addClassCleanup(cls.sandbox_cm.__exit__, None, None, None)
        skus = {
            item["product"]["sellerSku"]
            for entry in cls.scenario["orders"]
            for item in entry["order"]["orderItems"]
        }
        cls.env["product.product"].create(
            [
                {"name": sku, "default_code": sku, "is_storable": True}
                for sku in sorted(skus)
            ]
        )
        Marketplace = cls.env["amazon.marketplace"]
        cls.accounts = {}
        for seller in cls.scenario["sellers"]:
            marketplaces = Marketplace.search(
                [("marketplace_ref", "in", seller["marketplaceIds"])]
            )
            account = cls.env["amazon.account"].create(
                {
                    "name": seller["name"],
                    "region": seller["region"],
                    "seller_ref": seller["sellerId"],
                    "home_marketplace_id": marketplaces[0].id,
                    "lwa_client_ref": seller["clientId"],
                    "lwa_client_secret_input": cls.scenario["applications"][0][
                        "clientSecret"
                    ],
                    "refresh_token_input": seller["refreshToken"],
                    "endpoint_override": cls.sandbox.url,
                    "import_orders_since": datetime(2026, 10, 1),
                }
            )
            for marketplace in marketplaces:
                account._ensure_marketplace_line(marketplace)
            cls.accounts[seller["sellerId"]] = account

    def _sync_all(self):
        return {
            seller_id: account._sync_orders()
            for seller_id, account in self.accounts.items()
        }

    def test_full_sync_matches_the_manifest(self):
        runs = self._sync_all()
        for seller_id, account in self.accounts.items():
            run = runs[seller_id]
            self.assertEqual(run.state, "done", run.error)
            self.assertEqual(run.orders_failed, 0)
            expected = self.manifest["sellers"][seller_id]
            differences = manifest.compare(expected, account._amazon_outcome())
            self.assertEqual(differences, [], json.dumps(differences[:20], indent=1))
            self.assertEqual(run.orders_created, expected["totals"]["orders"])
            self.assertEqual(account.last_orders_sync, run.window_end)
        # FBA orders leave from the Amazon location, never from a warehouse.
        fba = self.env["sale.order"].search([("amazon_channel", "=", "fba")], limit=1)
        self.assertTrue(fba)
        self.assertFalse(fba.picking_ids)
        moves = fba.order_line.move_ids
        self.assertTrue(moves and all(m.state == "done" for m in moves))
        self.assertEqual(moves.location_id.name, "Amazon")
        self.assertFalse(moves.location_id.warehouse_id)

    def test_replayed_window_creates_nothing(self):
        self._sync_all()
        count = self.env["sale.order"].search_count(
            [("amazon_account_id", "!=", False)]
        )
        for account in self.accounts.values():
            account.last_orders_sync = datetime(2026, 10, 1)
        runs = self._sync_all()
        self.assertEqual(
            self.env["sale.order"].search_count([("amazon_account_id", "!=", False)]),
            count,
        )
        for run in runs.values():
            self.assertEqual(run.state, "done", run.error)
            self.assertEqual((run.orders_created, run.orders_failed), (0, 0))
            self.assertEqual(run.orders_updated, 0)
