from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestAmazonAccountTour(HttpCase):
    def test_account_form_from_the_menu(self):
        """A manager opens the Amazon menu, creates an account with its secrets and
        saves."""
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
