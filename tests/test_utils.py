from datetime import datetime, timedelta, timezone
from decimal import Decimal

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from odoo.addons.sale_amazon_connector import utils


@tagged("post_install", "-at_install")
class TestAmazonUtils(BaseCase):
    """The pure helpers: Amazon dates, money and order ids."""

    def test_parse_amazon_datetime(self):
        cases = {
            "2026-11-01T12:00:00Z": datetime(2026, 11, 1, 12, 0, 0),
            "2026-11-01T12:00:00+00:00": datetime(2026, 11, 1, 12, 0, 0),
            "2026-11-01T13:30:00+01:30": datetime(2026, 11, 1, 12, 0, 0),
            "2026-11-01T07:00:00-0500": datetime(2026, 11, 1, 12, 0, 0),
            "2026-11-01T12:00:00.123Z": datetime(2026, 11, 1, 12, 0, 0, 123000),
            # 7 fraction digits (.NET style) are cut to microseconds
            "2026-11-01T12:00:00.1234567Z": datetime(2026, 11, 1, 12, 0, 0, 123456),
            "2026-11-01T12:00Z": datetime(2026, 11, 1, 12, 0, 0),
            "2026-11-01T12:00:00": datetime(2026, 11, 1, 12, 0, 0),
            "2026-11-01": datetime(2026, 11, 1),
            # the offset moves the date back across midnight
            "2026-11-01T00:30:00+02:00": datetime(2026, 10, 31, 22, 30),
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                parsed = utils.parse_amazon_datetime(text)
                self.assertEqual(parsed, expected)
                self.assertIsNone(parsed.tzinfo, msg="Odoo stores naive UTC")

    def test_parse_amazon_datetime_empty_and_invalid(self):
        self.assertIsNone(utils.parse_amazon_datetime(None))
        self.assertIsNone(utils.parse_amazon_datetime(""))
        for text in ("yesterday", "2026-13-01T00:00:00Z", "2026-11-01T12:00:00Zjunk"):
            with self.subTest(text=text), self.assertRaises(ValueError):
                utils.parse_amazon_datetime(text)

    def test_format_amazon_datetime(self):
        self.assertEqual(
            utils.format_amazon_datetime(datetime(2026, 11, 1, 12, 0, 5, 999999)),
            "2026-11-01T12:00:05Z",
            msg="naive means UTC; microseconds are dropped",
        )
        paris = timezone(timedelta(hours=1))
        self.assertEqual(
            utils.format_amazon_datetime(datetime(2026, 11, 1, 13, 0, tzinfo=paris)),
            "2026-11-01T12:00:00Z",
            msg="an aware datetime is converted to UTC",
        )

    def test_datetime_round_trip(self):
        moment = datetime(2026, 2, 28, 23, 59, 59)
        self.assertEqual(
            utils.parse_amazon_datetime(utils.format_amazon_datetime(moment)), moment
        )

    def test_money_to_decimal(self):
        self.assertEqual(
            utils.money_to_decimal({"amount": "103.97", "currencyCode": "GBP"}),
            Decimal("103.97"),
        )
        self.assertEqual(
            utils.money_to_decimal({"Amount": "-1.50", "CurrencyCode": "EUR"}),
            Decimal("-1.50"),
            msg="the v0 spelling is read too",
        )
        self.assertEqual(
            utils.money_to_decimal({"amount": "1500", "currencyCode": "JPY"}),
            Decimal(1500),
        )
        total = utils.money_to_decimal({"amount": "0.10"}) + utils.money_to_decimal(
            {"amount": "0.20"}
        )
        self.assertEqual(total, Decimal("0.30"), msg="exact, no float on the way")
        self.assertEqual(str(utils.money_to_decimal({"amount": "10.00"})), "10.00")

    def test_money_to_decimal_empty_and_invalid(self):
        for money in (None, {}, {"currencyCode": "EUR"}, {"amount": ""}):
            with self.subTest(money=money):
                self.assertEqual(utils.money_to_decimal(money), Decimal(0))
        for amount in ("ten", "NaN", "Infinity"):
            with self.subTest(amount=amount), self.assertRaises(ValueError):
                utils.money_to_decimal({"amount": amount})

    def test_is_amazon_order_ref(self):
        self.assertTrue(utils.is_amazon_order_ref("302-1234567-1234567"))
        for value in (
            "302-1234567-123456",
            "3021234567-1234567",
            "302-1234567-12345678",
            " 302-1234567-1234567",
            "302-1234567-1234567\n",
            "ABC-1234567-1234567",
            "३०२-1234567-1234567",  # non-ASCII digits
            "",
            None,
            3021234567,
        ):
            with self.subTest(value=value):
                self.assertFalse(utils.is_amazon_order_ref(value))
