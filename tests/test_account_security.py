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

    def test_amazon_user_dismisses_failures_but_cannot_rewrite_them(self):
        failure = self.env["amazon.sync.failure"].create(
            {
                "account_id": self.account.id,
                "amazon_order_ref": "302-1234567-1234567",
                "error": "UserError: broken",
            }
        )
        as_user = failure.with_user(self.amazon_user)
        for values in ({"state": "resolved"}, {"attempts": 0}, {"error": "fine"}):
            with self.assertRaises(AccessError):
                as_user.write(values)
        as_user.action_dismiss()
        self.assertEqual(failure.state, "dismissed")
        with self.assertRaises(AccessError):
            failure.with_user(self.plain_user).action_dismiss()


@tagged("post_install", "-at_install")
class TestSecretsAndRules(AmazonCommon):
    """Secrets never leave through exports or run rows; every model of the module with
    a company has a multi-company rule; Amazon Users run syncs and read their logs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account(env=cls.env(user=cls.amazon_manager))

    def test_export_by_a_manager_gives_no_secret(self):
        exporter = new_test_user(
            self.env,
            login="amazon_exporter",
            groups="base.group_user,base.group_allow_export,"
            "sale_amazon_connector.group_amazon_manager",
        )
        account = self.account.with_user(exporter)
        exportable = set(account.fields_get(attributes=["type"]))
        for field in ("lwa_client_secret", "refresh_token", "endpoint_override"):
            self.assertNotIn(field, exportable)
            with self.assertRaises(AccessError):
                account.export_data([field])
        fields = [
            name
            for name, field in account._fields.items()
            if name in exportable
            and field.type in ("char", "text", "boolean", "integer", "selection")
        ]
        rows = account.export_data(fields)["datas"]
        self.assertNotIn(SECRET, str(rows))
        self.assertNotIn(TOKEN, str(rows))

    def test_get_credentials_is_the_only_reader_of_the_secrets(self):
        """In the module's Python code, the stored secrets are read in
        ``_get_credentials`` only (``has_*`` flags and the write-only setter aside)."""
        import ast
        import pathlib

        root = pathlib.Path(__file__).resolve().parent.parent
        allowed = {"_get_credentials", "_compute_has_secrets", "_health_token"}
        readers = []
        for path in [*root.glob("models/*.py"), *root.glob("wizards/*.py")]:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef):
                    continue
                for node in ast.walk(function):
                    if (
                        isinstance(node, ast.Attribute)
                        and node.attr in ("lwa_client_secret", "refresh_token")
                        and isinstance(node.ctx, ast.Load)
                        and function.name not in allowed
                    ):
                        readers.append(f"{path.name}:{function.name}")
        self.assertFalse(readers, "secrets read outside _get_credentials")

    def test_every_model_with_a_company_has_a_multi_company_rule(self):
        models = self.env["ir.model.data"].search(
            [("module", "=", "sale_amazon_connector"), ("model", "=", "ir.model")]
        )
        checked = []
        for model in self.env["ir.model"].browse(models.mapped("res_id")):
            Model = self.env.get(model.model)
            field = Model is not None and Model._fields.get("company_id")
            if Model is None or Model._transient or not field or not field.store:
                continue
            rules = self.env["ir.rule"].search(
                [("model_id", "=", model.id), ("domain_force", "ilike", "company_ids")]
            )
            self.assertTrue(rules, f"{model.model} has no multi-company rule")
            checked.append(model.model)
        self.assertGreaterEqual(
            set(checked),
            {
                "amazon.account",
                "amazon.account.marketplace",
                "amazon.offer",
                "amazon.offer.marketplace",
                "amazon.sync.run",
                "amazon.sync.failure",
            },
        )

    def test_records_of_another_company_are_invisible(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        account_b = self._create_account(
            name="B shop", seller_ref="A2BSELLER2", company_id=company_b.id
        )
        product = self.env["product.product"].create({"name": "B mug"})
        offer_b = self.env["amazon.offer"].create(
            {"account_id": account_b.id, "sku": "B-MUG", "product_id": product.id}
        )
        offer_market_b = self.env["amazon.offer.marketplace"].create(
            {
                "offer_id": offer_b.id,
                "marketplace_id": self.marketplace_de.id,
                "channel": "fbm",
            }
        )
        run_b = self.env["amazon.sync.run"].create({"account_id": account_b.id})
        failure_b = self.env["amazon.sync.failure"].create(
            {
                "account_id": account_b.id,
                "run_id": run_b.id,
                "amazon_order_ref": "028-1111111-1111111",
                "error": "KeyError",
            }
        )
        user_a = new_test_user(
            self.env,
            login="amazon_user_a",
            groups="base.group_user,sale_amazon_connector.group_amazon_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        for record in (offer_b, offer_market_b, run_b, failure_b):
            Model = self.env[record._name].with_user(user_a)
            self.assertFalse(Model.search([("id", "=", record.id)]), record._name)
            with self.assertRaises(AccessError, msg=record._name):
                record.with_user(user_a).read(["company_id"])

    def test_amazon_user_runs_syncs_and_reads_their_logs(self):
        account = self.account.with_user(self.amazon_user)
        # No marketplace synchronized: the run starts, fails and says why (the
        # order cron deactivated: the button runs the sync in the request).
        self.env.ref("sale_amazon_connector.ir_cron_amazon_sync_orders").active = False
        self.account.account_marketplace_ids.sync_enabled = False
        self.assertEqual(account.action_sync_orders()["tag"], "display_notification")
        run = (
            self.env["amazon.sync.run"]
            .with_user(self.amazon_user)
            .search([("account_id", "=", self.account.id)])
        )
        self.assertEqual(len(run), 1)
        self.assertEqual(run.state, "failed")
        self.assertIn("No marketplace", run.error)
        self.assertEqual(run.read(["trigger"])[0]["trigger"], "manual")
        with self.assertRaises(AccessError):
            run.write({"error": "hidden"})
        with self.assertRaises(AccessError):
            run.unlink()
        with self.assertRaises(AccessError):
            self.env["amazon.sync.run"].with_user(self.plain_user).search([])
        self.assertEqual(account.read(["health_state"])[0]["health_state"], "error")
        with self.assertRaises(AccessError):
            account.write({"buyer_data_retention_days": 90})
        self.account.with_user(self.amazon_manager).buyer_data_retention_days = 20
        self.assertEqual(self.account.buyer_data_retention_days, 20)
