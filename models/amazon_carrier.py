from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import const

# Amazon's carrier code for a carrier it does not list; ``carrierName`` is then
# required (confirmShipment and the flat-file fulfillment feed's carrier-name).
OTHER_CARRIER_CODE = "Other"


class AmazonCarrier(models.Model):
    """How an Odoo carrier is announced to Amazon in shipment confirmations.

    A row matches a ``delivery.carrier`` either explicitly (``carrier_id``) or by
    its name (``carrier_name``, case-insensitive: the rows the module ships match
    carriers by name, since Odoo has no DHL or UPS record of its own). A row of a
    region wins over a row valid in every region; an explicit carrier wins over a
    name. A carrier no row matches is sent as ``Other`` with its name
    (:meth:`_amazon_carrier_info`).
    """

    _name = "amazon.carrier"
    _description = "Amazon Carrier Mapping"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Odoo Carrier",
        ondelete="cascade",
        index=True,
        help="The Odoo carrier this row applies to. Leave empty to match carriers "
        "by name.",
    )
    carrier_name = fields.Char(
        string="Odoo Carrier Name",
        help="Matches the Odoo carriers of this name (case-insensitive) when no Odoo "
        "carrier is set.",
    )
    region = fields.Selection(
        const.REGION_SELECTION,
        help="The SP-API region of the accounts this row applies to; empty: every "
        "region.",
    )
    amazon_carrier_code = fields.Char(
        required=True,
        help="Amazon's CarrierCode value, case-sensitive (e.g. DHL, UPS, "
        "Royal Mail, Deutsche Post), or Other.",
    )
    amazon_carrier_name = fields.Char(
        help="Carrier name sent with the code Other (default: the Odoo carrier's "
        "name).",
    )
    shipping_method = fields.Char(
        help="Optional shipping method sent to Amazon (e.g. Paket, Standard)."
    )
    untracked = fields.Boolean(
        help="Shipments of this carrier have no tracking number (self delivery, "
        "letter post): they are confirmed through the flat-file fulfillment feed, "
        "where Amazon accepts them without one.",
    )

    # === CONSTRAINT METHODS === #

    @api.constrains("carrier_id", "carrier_name")
    def _check_carrier(self):
        for row in self:
            if not row.carrier_id and not (row.carrier_name or "").strip():
                raise ValidationError(
                    _("An Amazon carrier mapping needs an Odoo carrier or a name.")
                )

    @api.constrains("amazon_carrier_code", "amazon_carrier_name", "carrier_id")
    def _check_other_name(self):
        for row in self:
            if row.amazon_carrier_code != OTHER_CARRIER_CODE:
                continue
            if not (row.amazon_carrier_name or row.carrier_id or row.carrier_name):
                raise ValidationError(_("The carrier code Other needs a name."))

    # === COMPUTE METHODS === #

    @api.depends("carrier_id", "carrier_name", "amazon_carrier_code")
    def _compute_display_name(self):
        for row in self:
            source = row.carrier_id.name or row.carrier_name or "?"
            row.display_name = f"{source} → {row.amazon_carrier_code}"

    # === BUSINESS METHODS === #

    @api.model
    def _amazon_find(self, carrier, region):
        """The mapping row of ``carrier`` on ``region``, or an empty recordset.

        :param carrier: a ``delivery.carrier`` record (may be empty).
        :param str region: ``NA``, ``EU`` or ``FE``.
        :rtype: amazon.carrier
        """
        if not carrier:
            return self.browse()
        rows = self.search(["|", ("region", "=", region), ("region", "=", False)])
        name = (carrier.name or "").strip().casefold()

        def rank(row):
            explicit = row.carrier_id == carrier
            return (not explicit, not row.region, row.sequence, row.id)

        matching = rows.filtered(
            lambda row: (
                row.carrier_id == carrier
                or (
                    not row.carrier_id
                    and (row.carrier_name or "").strip().casefold() == name
                )
            )
        )
        return min(matching, key=rank) if matching else self.browse()

    @api.model
    def _amazon_carrier_info(self, carrier, region):
        """What Amazon is told about ``carrier``.

        :param carrier: a ``delivery.carrier`` record.
        :param str region: the account's SP-API region.
        :return: ``{"code": str, "name": str|None, "shipping_method": str|None,
            "untracked": bool, "mapped": bool}``; ``name`` is set for ``Other``
            (an unmapped carrier is ``Other`` with the Odoo carrier's name).
        :rtype: dict
        """
        row = self._amazon_find(carrier, region)
        if not row:
            return {
                "code": OTHER_CARRIER_CODE,
                "name": carrier.name,
                "shipping_method": None,
                "untracked": False,
                "mapped": False,
            }
        code = row.amazon_carrier_code.strip()
        return {
            "code": code,
            "name": (row.amazon_carrier_name or carrier.name)
            if code == OTHER_CARRIER_CODE
            else None,
            "shipping_method": row.shipping_method or None,
            "untracked": row.untracked,
            "mapped": True,
        }
