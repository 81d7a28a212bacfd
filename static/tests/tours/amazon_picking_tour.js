/** @odoo-module */

import { registry } from "@web/core/registry";

// Developer mode, from an imported FBM Amazon order: its delivery gets a carrier and a
// tracking number and is validated (queued: Pending); SYNC PICKINGS on the Amazon account
// confirms it to Amazon, and the delivery then shows its Amazon sync state Confirmed.
// No url of its own: the test starts it on the order's form, whose id it knows
// (tests/test_shipment_tour.py: /odoo/action-sale.action_orders/<id>?debug=1).
registry.category("web_tour.tours").add("sale_amazon_connector_picking_sync", {
    steps: () => [
        { trigger: ".o_form_view button[name=action_view_delivery]", run: "click" },
        { trigger: ".o_breadcrumb .active:contains('/OUT/')" },
        { trigger: ".o_form_view a.nav-link:contains('Additional Info')", run: "click" },
        { trigger: ".o_field_widget[name=carrier_id] input", run: "edit Tour DHL Paket" },
        { trigger: ".ui-menu-item > a:contains('Tour DHL Paket')", run: "click" },
        {
            trigger: ".o_field_widget[name=carrier_tracking_ref] input",
            run: "edit JJD0099TOUR42",
        },
        { trigger: ".o_form_statusbar button[name=button_validate]", run: "click" },
        { trigger: ".o_statusbar_status .o_arrow_button_current:contains('Done')" },
        // validation only queues the confirmation: nothing is sent to Amazon yet
        { trigger: ".o_form_view a.nav-link:contains('Amazon')", run: "click" },
        { trigger: ".o_field_widget[name=amazon_sync_state]:contains('Pending')" },
        { trigger: ".o_field_widget[name=amazon_account_id] a.o_form_uri", run: "click" },
        { trigger: ".o_breadcrumb .active:contains('Tour picking shop')" },
        { trigger: ".o_form_statusbar button[name=action_sync_pickings]", run: "click" },
        { trigger: ".o_notification:contains('1 confirmed')" },
        { trigger: ".o_breadcrumb .breadcrumb-item a:contains('/OUT/')", run: "click" },
        { trigger: ".o_breadcrumb .active:contains('/OUT/')" },
        { trigger: ".o_form_view a.nav-link:contains('Amazon')", run: "click" },
        { trigger: ".o_field_widget[name=amazon_sync_state]:contains('Confirmed')" },
        {
            trigger: ".o_field_widget[name=amazon_package_refs]",
            run() {
                const refs = document
                    .querySelector(".o_field_widget[name=amazon_package_refs]")
                    .textContent.trim();
                if (!/^\d+$/.test(refs)) {
                    throw new Error(`expected one numeric Amazon package reference: ${refs}`);
                }
            },
        },
    ],
});
