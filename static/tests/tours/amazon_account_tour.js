/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Opens the Amazon account form from the app menu, fills it (credentials included) and saves.
registry.category("web_tour.tours").add("sale_amazon_connector_account_form", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale_amazon_connector.amazon_menu_root"),
        {
            trigger: 'a[data-menu-xmlid="sale_amazon_connector.amazon_account_menu"], .o_list_button_add',
            run() {
                const link = document.querySelector(
                    'a[data-menu-xmlid="sale_amazon_connector.amazon_account_menu"]'
                );
                if (link) {
                    link.click();
                }
            },
        },
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name=name] input", run: "edit Tour shop" },
        { trigger: ".o_field_widget[name=seller_ref] input", run: "edit A2TOURSELLER" },
        { trigger: ".o_field_widget[name=home_marketplace_id] input", run: "edit Amazon.de" },
        { trigger: ".ui-menu-item > a:contains('Amazon.de')", run: "click" },
        { trigger: "a.nav-link:contains('Credentials')", run: "click" },
        {
            trigger: ".o_field_widget[name=lwa_client_ref] input",
            run: "edit amzn1.application-oa2-client.tour",
        },
        {
            trigger: ".o_field_widget[name=lwa_client_secret_input] input",
            run: "edit amzn1.oa2-cs.v1.tour-secret",
        },
        { trigger: ".o_field_widget[name=refresh_token_input] input", run: "edit Atzr|tour-token" },
        // leave the password field before saving, as a user tabbing out of it would
        { trigger: ".o_field_widget[name=name] input", run: "click" },
        ...stepUtils.saveForm(),
        { trigger: ".o_breadcrumb .active:contains('Tour shop')" },
        { trigger: "a.nav-link:contains('Credentials')", run: "click" },
        // the stored secret is not shown back: the write-only field is empty
        {
            trigger: ".o_field_widget[name=refresh_token_input] input",
            run() {
                const value = document.querySelector(
                    ".o_field_widget[name=refresh_token_input] input"
                ).value;
                if (value) {
                    throw new Error(`the stored refresh token came back: ${value}`);
                }
            },
        },
    ],
});
