from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import AmazonCommon


@tagged("post_install", "-at_install")
class TestAccountMarketplace(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account()
        cls.team_default = cls.env["crm.team"].create({"name": "Amazon"})
        cls.team_de = cls.env["crm.team"].create({"name": "Amazon DE"})
        cls.warehouse_default = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.warehouse_de = cls.env["stock.warehouse"].create(
            {"name": "Berlin", "code": "BER"}
        )
        cls.location_default = cls.env["stock.location"].create(
            {"name": "Amazon", "usage": "internal"}
        )
        cls.location_de = cls.env["stock.location"].create(
            {"name": "Amazon DE", "usage": "internal"}
        )
        cls.account.write(
            {
                "team_id": cls.team_default.id,
                "location_id": cls.location_default.id,
                "warehouse_id": cls.warehouse_default.id,
            }
        )

    def test_home_marketplace_line_created(self):
        line = self.account.account_marketplace_ids
        self.assertEqual(line.marketplace_id, self.marketplace_de)
        self.assertTrue(line.available and line.sync_enabled)
        self.assertEqual(self.account._get_synced_marketplaces(), self.marketplace_de)

    def test_unavailable_marketplace_cannot_be_synchronized(self):
        line_fr = self.account._ensure_marketplace_line(
            self.marketplace_fr, available=False
        )
        self.assertFalse(line_fr.sync_enabled)
        with self.assertRaises(ValidationError):
            line_fr.sync_enabled = True
        line_fr.write({"available": True, "sync_enabled": True})
        self.assertEqual(
            self.account._get_synced_marketplaces(),
            self.marketplace_de | self.marketplace_fr,
        )

    def test_marketplace_of_another_region_refused(self):
        with self.assertRaises(ValidationError):
            self.account._ensure_marketplace_line(self.marketplace_us)

    def test_overrides_are_what_the_helpers_return(self):
        line_de = self.account._get_marketplace_line(self.marketplace_de)
        line_de.write(
            {
                "team_id": self.team_de.id,
                "location_id": self.location_de.id,
                "warehouse_id": self.warehouse_de.id,
            }
        )
        self.account._ensure_marketplace_line(self.marketplace_fr)
        self.assertEqual(self.account._get_team(self.marketplace_de), self.team_de)
        self.assertEqual(
            self.account._get_location(self.marketplace_de), self.location_de
        )
        self.assertEqual(
            self.account._get_warehouse(self.marketplace_de), self.warehouse_de
        )
        self.assertEqual(self.account._get_team(self.marketplace_fr), self.team_default)
        self.assertEqual(
            self.account._get_location(self.marketplace_fr), self.location_default
        )
        self.assertEqual(
            self.account._get_warehouse(self.marketplace_fr), self.warehouse_default
        )
        # a marketplace the account does not sell on falls back to the defaults too
        self.assertEqual(self.account._get_team(self.marketplace_it), self.team_default)

    def test_home_marketplace_must_be_on_the_region(self):
        with self.assertRaises(ValidationError):
            self._create_account(
                seller_ref="A2OTHER", home_marketplace_id=self.marketplace_us.id
            )
