"""Pure helpers for Amazon data: dates, money and identifiers.

No I/O and no Odoo import: they take and return plain values. Amazon sends dates
as ISO 8601 strings (``2026-11-01T12:00:00Z``, sometimes with fractional seconds or
an offset) and money as ``{"amount": "12.34", "currencyCode": "EUR"}`` with the
amount a decimal *string*; Odoo stores naive UTC datetimes.
"""

import re
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

# Amazon order ids are three groups of digits: 3-7-7 (e.g. 302-1234567-1234567).
AMAZON_ORDER_REF_RE = re.compile(r"\d{3}-\d{7}-\d{7}", re.ASCII)

# ISO 8601 date-time as Amazon writes it: a "T" (or space) between date and time,
# optional seconds and fraction, then "Z", an offset, or nothing (UTC).
_ISO_DATETIME_RE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?)?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)


def parse_amazon_datetime(value):
    """Parse an ISO 8601 date-time from Amazon into a naive UTC ``datetime``.

    ``Z``, ``+00:00`` and other offsets are converted to UTC; a value without a
    zone is taken as UTC (Amazon's convention); fractional seconds of any length
    are cut to microseconds; a bare date is midnight UTC.

    :param str value: e.g. ``"2026-11-01T12:00:00Z"`` or
        ``"2026-11-01T13:00:00.123+01:00"``; ``None`` or ``""`` give ``None``.
    :return: the instant as a naive datetime in UTC, or ``None``.
    :rtype: datetime.datetime
    :raise ValueError: when ``value`` is not an ISO 8601 date-time.
    """
    if not value:
        return None
    match = _ISO_DATETIME_RE.fullmatch(value.strip())
    if not match:
        raise ValueError(f"Not an ISO 8601 date-time: {value!r}")
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    text = "{date}T{hour}:{minute}:{second}.{fraction}".format(
        date=match["date"],
        hour=match["hour"] or "00",
        minute=match["minute"] or "00",
        second=match["second"] or "00",
        fraction=fraction,
    )
    zone = match["zone"]
    if zone and zone not in ("Z", "z"):
        zone = zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
        text += zone
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def format_amazon_datetime(value):
    """Format a datetime for Amazon: ISO 8601 in UTC, whole seconds, ``Z`` suffix.

    :param datetime.datetime value: a naive datetime (taken as UTC, as Odoo stores
        them) or an aware one (converted to UTC). Microseconds are dropped.
    :return: e.g. ``"2026-11-01T12:00:00Z"``.
    :rtype: str
    """
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def money_to_decimal(money):
    """Return the amount of an Amazon ``Money`` object as an exact ``Decimal``.

    Amazon sends amounts as decimal strings; going through ``float`` would lose
    cents, so the string is read as is.

    :param dict money: ``{"amount": "12.34", "currencyCode": "EUR"}`` (Orders
        v2026-01-01) or ``{"Amount": "12.34", "CurrencyCode": "EUR"}`` (v0 APIs);
        ``None`` or an object without an amount is zero.
    :return: the amount, e.g. ``Decimal("12.34")``.
    :rtype: decimal.Decimal
    :raise ValueError: when the amount is not a decimal number.
    """
    if not money:
        return Decimal(0)
    amount = money.get("amount", money.get("Amount"))
    if amount is None or amount == "":
        return Decimal(0)
    try:
        result = Decimal(str(amount).strip())
    except InvalidOperation as error:
        raise ValueError(f"Not a decimal amount: {amount!r}") from error
    if not result.is_finite():
        raise ValueError(f"Not a finite amount: {amount!r}")
    return result


def is_amazon_order_ref(value):
    """Tell whether ``value`` has the shape of an Amazon order id (3-7-7 digits).

    :param str value: e.g. ``"302-1234567-1234567"``.
    :return: ``True`` for three groups of 3, 7 and 7 digits joined by hyphens.
    :rtype: bool
    """
    return isinstance(value, str) and bool(AMAZON_ORDER_REF_RE.fullmatch(value))
