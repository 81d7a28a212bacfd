import json
from datetime import datetime

from spapi_sandbox import generator, manifest

from odoo.tests import tagged

from .common import AmazonSandboxCase


@tagged("post_install", "-at_install")
class TestOrderSync(AmazonSandboxCase):
    """Order synchronization against the SP-API sandbox, through the real client.

    Ground truth: the generator's expected-outcome manifest, derived from the Amazon
    data alone.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        scenario = generator.generate(orders=60, seed=11)
        cls.manifest = manifest.build(scenario)
        cls._start_sandbox(scenario)

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
