from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase


class AmazonCommon(TransactionCase):
    """Base class: users of each Amazon group and an EU account with its secrets."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.marketplace_de = cls.env.ref("sale_amazon_connector.marketplace_de")
        cls.marketplace_fr = cls.env.ref("sale_amazon_connector.marketplace_fr")
        cls.marketplace_it = cls.env.ref("sale_amazon_connector.marketplace_it")
        cls.marketplace_us = cls.env.ref("sale_amazon_connector.marketplace_us")
        cls.amazon_manager = new_test_user(
            cls.env,
            login="amazon_manager",
            groups="base.group_user,sale_amazon_connector.group_amazon_manager",
        )
        cls.amazon_user = new_test_user(
            cls.env,
            login="amazon_user",
            groups="base.group_user,sale_amazon_connector.group_amazon_user",
        )
        cls.plain_user = new_test_user(
            cls.env, login="plain_user", groups="base.group_user"
        )

    @classmethod
    def _create_account(cls, env=None, **values):
        """Create an EU account as ``env``'s user (default: the superuser env)."""
        env = env or cls.env
        vals = {
            "name": "EU shop",
            "region": "EU",
            "seller_ref": "A2EUTESTSELLER",
            "home_marketplace_id": cls.marketplace_de.id,
            "lwa_client_ref": "amzn1.application-oa2-client.test",
            "lwa_client_secret_input": "amzn1.oa2-cs.v1.secret",
            "refresh_token_input": "Atzr|refresh-token",
        }
        vals.update(values)
        return env["amazon.account"].create(vals)
