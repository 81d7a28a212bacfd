/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Developer mode: SYNC ORDERS on the account, then the orders in the Amazon filter of
// the sales orders list.
registry.category("web_tour.tours").add("sale_amazon_connector_sync_orders", {
    url: "/odoo/action-sale_amazon_connector.amazon_account_action?debug=1",
    steps: () => [
        { trigger: ".o_data_row:contains('Tour sync shop') .o_data_cell", run: "click" },
        { trigger: "button[name=action_sync_orders]", run: "click" },
        { trigger: "a.nav-link:contains('Runs')", run: "click" },
        { trigger: ".o_field_widget[name=sync_run_ids] .o_data_row:contains('Done')" },
        ...stepUtils.goToAppSteps("sale.sale_menu_root"),
        { trigger: 'button[data-menu-xmlid="sale.sale_order_menu"]', run: "click" },
        { trigger: 'a[data-menu-xmlid="sale.menu_sale_order"]', run: "click" },
        { trigger: ".o_breadcrumb:contains('Sales Orders')" },
        {
            // the default "My Orders" facet would hide orders without a salesperson
            trigger: ".o_control_panel .o_searchview",
            run() {
                for (const remove of document.querySelectorAll(".o_searchview_facet .o_facet_remove")) {
                    remove.click();
                }
            },
        },
        { trigger: ".o_control_panel .o_searchview:not(:has(.o_searchview_facet))" },
        { trigger: ".o_control_panel .o_searchview_dropdown_toggler", run: "click" },
        { trigger: ".o_filter_menu .o-dropdown-item:contains('Amazon')", run: "click" },
        { trigger: ".o_facet_value:contains('Amazon')" },
        { trigger: ".o_list_view .o_data_row" },
        {
            trigger: ".o_list_view .o_data_row",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row").length;
                console.log(`amazon orders listed: ${rows}`);
                if (rows !== 5) {
                    throw new Error(`expected the 5 synced orders, found ${rows} rows`);
                }
            },
        },
    ],
});
