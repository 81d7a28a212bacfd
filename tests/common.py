import logging
from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2
from spapi_sandbox import samples, serve
from spapi_sandbox.clock import parse_datetime

from odoo import fields
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


class AmazonSandboxCase(TransactionCase):
    """Base class of tests that sync a generated scenario from the SP-API sandbox
    through the real client: one product per seller SKU (but ``missing_skus``) and one
    account per seller of the scenario, pointed at a sandbox whose clock is frozen at
    the scenario's start (tests move it with ``cls.sandbox.app.advance(seconds)``).
    """

    @classmethod
    def _start_sandbox(cls, scenario, missing_skus=()):

        cls.scenario = scenario
        cls.orders_data = {
            entry["order"]["orderId"]: entry["order"] for entry in scenario["orders"]
        }
        sandbox_cm = serve(scenario=scenario, frozen=True)
        cls.sandbox = sandbox_cm.__enter__()
        cls.addClassCleanup(sandbox_cm.__exit__, None, None, None)
        skus = {
            item["product"]["sellerSku"]
            for entry in scenario["orders"]
            for item in entry["order"]["orderItems"]
        } - set(missing_skus)
        cls.env["product.product"].create(
            [
                {"name": sku, "default_code": sku, "is_storable": True}
                for sku in sorted(skus)
            ]
        )
        Marketplace = cls.env["amazon.marketplace"]
        cls.accounts = {}
        for seller in scenario["sellers"]:
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
                    "lwa_client_secret_input": scenario["applications"][0][
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

    @classmethod
    def _sync_all(cls):
        """Run the order sync of every account; ``{seller id: amazon.sync.run}``."""
        return {
            seller_id: account._sync_orders()
            for seller_id, account in cls.accounts.items()
        }

    @classmethod
    def _sale_order(cls, order_id):
        return cls.env["sale.order"].search([("amazon_order_ref", "=", order_id)])


class FakeClock:
    """A monotonic clock for the adapter; ``sleep`` records and advances it (and
    the sandbox's clock, when given)."""

    def __init__(self, sandbox_app=None):
        self.now = 10_000.0
        self.sleeps = []
        self.sandbox_app = sandbox_app

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds
        if self.sandbox_app is not None:
            self.sandbox_app.advance(seconds)

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.advance(seconds)


def naive(value):
    """An SP-API ISO 8601 datetime as the naive UTC ``datetime`` Odoo stores."""
    return parse_datetime(value).replace(tzinfo=None)


def serve_for_class(cls, scenario):
    """Serve ``scenario`` from an in-process SP-API sandbox (clock frozen at its
    start) for the test class ``cls``, stopped by the class cleanup; the sandbox."""
    sandbox_cm = serve(scenario=scenario, frozen=True)
    sandbox = sandbox_cm.__enter__()
    cls.addClassCleanup(sandbox_cm.__exit__, None, None, None)
    return sandbox


def sample_seller_account(env, sandbox, name, since=None):
    """The account of the sample scenario's seller with buyer data access
    (``samples.SELLER_PII``) on amazon.de, pointed at ``sandbox``, importing orders
    since ``since`` (default: two days before the scenario's start)."""
    return env["amazon.account"].create(
        {
            "name": name,
            "region": "EU",
            "seller_ref": samples.SELLER_PII,
            "home_marketplace_id": env.ref("sale_amazon_connector.marketplace_de").id,
            "lwa_client_ref": samples.CLIENT_ID,
            "lwa_client_secret_input": samples.CLIENT_SECRET,
            "refresh_token_input": samples.REFRESH_PII,
            "endpoint_override": sandbox.url,
            "import_orders_since": since or naive(samples.START) - timedelta(days=2),
        }
    )


def sample_seller_setup(cls, scenario, name):
    """Class setup of the tests on the sample scenario of one seller
    (``samples.sample_scenario``): ``scenario`` served for the class (``cls.sandbox``,
    ``cls.app``), products SKU-000 and SKU-001, the other accounts archived (the crons
    sync every active account) and ``cls.account`` of the seller on amazon.de and
    amazon.fr."""
    cls.sandbox = serve_for_class(cls, scenario)
    cls.app = cls.sandbox.app
    cls.env["product.product"].create(
        [
            {"name": sku, "default_code": sku, "is_storable": True}
            for sku in ("SKU-000", "SKU-001")
        ]
    )
    cls.env["amazon.account"].search([]).active = False
    cls.account = sample_seller_account(cls.env, cls.sandbox, name)
    cls.account._ensure_marketplace_line(
        cls.env.ref("sale_amazon_connector.marketplace_fr")
    )


def formatted_logs(logs):
    """The records of ``assertLogs`` (or a list of records) as a log handler prints
    them: a ``logging.Formatter`` interpolates their %-arguments and appends their
    traceback."""
    records = getattr(logs, "records", logs)
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    return "\n".join(formatter.format(record) for record in records)


def quoting_error(buyer):
    """A database error whose DETAIL quotes ``buyer`` (as psycopg2's do)."""
    return psycopg2.IntegrityError(
        'duplicate key value violates unique constraint "res_partner_uniq"\n'
        f"DETAIL:  Key (name)=({buyer}) already exists.\n"
    )


def later_clock(minutes):
    """Patch ``fields.Datetime.now``: from the moment ``later[0]`` is set to True,
    now is ``minutes`` later (time passes while Amazon answers).

    :return: ``(later, patcher)``.
    """
    real_now = fields.Datetime.now
    later = [False]

    def now():
        return real_now() + timedelta(minutes=minutes if later[0] else 0)

    return later, patch.object(fields.Datetime, "now", staticmethod(now))
