from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import AmazonCommon

SECRET = "amzn1.oa2-cs.v1.secret"
TOKEN = "Atzr|refresh-token"


@tagged("post_install", "-at_install")
class TestAccountSecurity(AmazonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account(env=cls.env(user=cls.amazon_manager))

    def test_manager_sets_secrets_but_cannot_read_them(self):
        account = self.account.with_user(self.amazon_manager)
        for field in ("lwa_client_secret", "refresh_token"):
            with self.assertRaises(AccessError, msg=f"manager read {field}"):
                account.read([field])
        self.assertTrue(account.has_lwa_client_secret)
        self.assertTrue(account.has_refresh_token)
        values = account.read(["lwa_client_secret_input", "refresh_token_input"])[0]
        self.assertFalse(values["lwa_client_secret_input"])
        self.assertFalse(values["refresh_token_input"])

    def test_administrator_reads_secrets(self):
        admin = self.env.ref("base.user_admin")
        values = self.account.with_user(admin).read(
            ["lwa_client_secret", "refresh_token"]
        )
        self.assertEqual(values[0]["lwa_client_secret"], SECRET)
        self.assertEqual(values[0]["refresh_token"], TOKEN)

    def test_secret_never_sent_to_the_browser(self):
        account = self.account.with_user(self.amazon_manager)
        views = account.get_views([(False, "form")])
        form_fields = views["models"]["amazon.account"]["fields"]
        self.assertNotIn("lwa_client_secret", form_fields)
        self.assertNotIn("refresh_token", form_fields)
        spec = {name: {} for name in form_fields if name != "account_marketplace_ids"}
        data = account.web_read(spec)[0]
        self.assertNotIn(SECRET, str(data))
        self.assertNotIn(TOKEN, str(data))

    def test_manager_replaces_a_secret(self):
        self.account.with_user(self.amazon_manager).write(
            {"refresh_token_input": "Atzr|new-token"}
        )
        credentials = self.account.with_user(self.amazon_manager)._get_credentials()
        self.assertEqual(credentials["refresh_token"], "Atzr|new-token")
        self.assertEqual(credentials["lwa_client_secret"], SECRET)
        # an empty input keeps the stored secret
        self.account.with_user(self.amazon_manager).write({"refresh_token_input": ""})
        self.assertEqual(self.account.sudo().refresh_token, "Atzr|new-token")

    def test_only_administrators_set_the_endpoint(self):
        """The credentials are sent to the endpoint override: a manager who could set
        it could send them anywhere."""
        with self.assertRaises(AccessError):
            self.account.with_user(self.amazon_manager).write(
                {"endpoint_override": "http://attacker.example"}
            )
        admin = self.env.ref("base.user_admin")
        self.account.with_user(admin).write({"endpoint_override": "http://127.0.0.1:1"})
        self.assertEqual(self.account.sudo().endpoint_override, "http://127.0.0.1:1")

    def test_user_reads_the_account_but_cannot_edit_it(self):
        account = self.account.with_user(self.amazon_user)
        self.assertEqual(
            account.read(["seller_ref"])[0]["seller_ref"], "A2EUTESTSELLER"
        )
        with self.assertRaises(AccessError):
            account.read(["refresh_token"])
        with self.assertRaises(AccessError):
            account.write({"name": "renamed"})
        with self.assertRaises(AccessError):
            self._create_account(env=self.env(user=self.amazon_user), seller_ref="X")

    def test_user_without_amazon_group_cannot_open_it(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.plain_user).read(["name"])

    def test_account_of_another_company_is_invisible(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        account_b = self._create_account(
            name="B shop", seller_ref="A2BSELLER", company_id=company_b.id
        )
        user_a = new_test_user(
            self.env,
            login="amazon_manager_a",
            groups="base.group_user,sale_amazon_connector.group_amazon_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        Account = self.env["amazon.account"].with_user(user_a)
        self.assertNotIn(account_b, Account.search([]))
        self.assertIn(self.account, Account.search([]))
        with self.assertRaises(AccessError):
            account_b.with_user(user_a).read(["name"])
        lines = self.env["amazon.account.marketplace"].with_user(user_a).search([])
        self.assertFalse(lines & account_b.account_marketplace_ids)
