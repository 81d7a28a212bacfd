"""JSON_LISTINGS_FEED: schema checks, FBM quantities per SKU and marketplace,
per-message issues, and the JSON processing report (validated against
Amazon's listings-feed-processing-report-schema-v2.json)."""

from __future__ import annotations

import json

import pytest
from conftest import JSON_TYPE, SpClient, require_models, run_feed
from werkzeug.test import Client

from spapi_sandbox import SandboxApp, ScenarioError, models
from spapi_sandbox.samples import DE, FR, SELLER_PII, SELLER_PLAIN, sample_scenario

FEED = "JSON_LISTINGS_FEED"


def _scenario(with_listings: bool = True) -> dict:
    scenario = sample_scenario(2)
    if with_listings:
        scenario["listings"] = [
            {"sellerId": SELLER_PII, "sku": "SKU-000", "marketplaceId": m,
             "productType": "HOME", "fulfillmentChannel": "DEFAULT", "quantity": 5}
            for m in (DE, FR)
        ] + [
            {"sellerId": SELLER_PII, "sku": "SKU-001", "marketplaceId": DE,
             "productType": "HOME", "fulfillmentChannel": "AMAZON_EU"},
        ]  # fmt: skip
    return scenario


@pytest.fixture
def listing_app() -> SandboxApp:
    return SandboxApp(_scenario(), frozen=True)


@pytest.fixture
def listing_client(listing_app) -> SpClient:
    return SpClient(listing_app, listing_app.issue_access_token(SELLER_PII))


def _patch(message_id: int, sku: str, quantity, channel="DEFAULT", **extra) -> dict:
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "PATCH",
        "productType": "HOME",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": channel, "quantity": quantity}],
            }
        ],
        **extra,
    }


def _document(messages: list, seller: str = SELLER_PII) -> str:
    return json.dumps({"header": {"sellerId": seller, "version": "2.0"},
                       "messages": messages})  # fmt: skip


def _check_report(report: dict) -> None:
    if not models.schema_available(models.LISTINGS_REPORT_SCHEMA):
        require_models()
        return
    validator = models.json_schema_validator(models.LISTINGS_REPORT_SCHEMA)
    assert not list(validator.iter_errors(report)), report


def _run(client, messages, seller=SELLER_PII, marketplaces=(DE,)):
    feed, data = run_feed(
        client, FEED, _document(messages, seller), JSON_TYPE, marketplaces
    )
    report = json.loads(data)
    _check_report(report)
    assert report["header"]["feedId"] == feed["feedId"]
    return feed, report


def test_patch_sets_fbm_quantity_and_reports(listing_app, listing_client):
    feed, report = _run(
        listing_client,
        [_patch(1, "SKU-000", 12), _patch(2, "SKU-404", 3)],
        marketplaces=(DE, FR),
    )
    assert feed["processingStatus"] == "DONE"
    assert report["summary"] == {
        "errors": 1,
        "warnings": 0,
        "messagesProcessed": 2,
        "messagesAccepted": 1,
        "messagesInvalid": 1,
    }
    [issue] = report["issues"]
    assert issue["messageId"] == 2 and issue["sku"] == "SKU-404"
    assert issue["code"] == "UNKNOWN_SKU" and issue["severity"] == "ERROR"
    listings = listing_app.listings(SELLER_PII, "SKU-000")
    assert {(entry["marketplaceId"], entry["quantity"]) for entry in listings} == {
        (DE, 12),
        (FR, 12),
    }
    assert listings[0]["lastUpdatedTime"] == feed["processingEndTime"]
    assert listing_app.listings(sku="SKU-404") == []
    # the control API reads the same state
    served = Client(listing_app).get(
        "/_sandbox/listings", query_string={"sellerId": SELLER_PII, "sku": "SKU-000"}
    )
    assert served.get_json()["listings"] == listings


def test_only_the_feed_marketplaces_change(listing_app, listing_client):
    _run(listing_client, [_patch(1, "SKU-000", 0)], marketplaces=(FR,))
    quantities = {
        e["marketplaceId"]: e["quantity"] for e in listing_app.listings(sku="SKU-000")
    }
    assert quantities == {DE: 5, FR: 0}


def test_message_issues(listing_app, listing_client):
    no_product_type = _patch(3, "SKU-000", 1)
    del no_product_type["productType"]
    messages = [
        _patch(1, "SKU-000", -1),  # invalid quantity
        _patch(2, "SKU-000", "7"),  # not an integer
        no_product_type,  # the schema requires productType for PATCH
        {"messageId": 4, "sku": "SKU-000", "operationType": "EDIT"},
        _patch(5, "SKU-000", 4),
        _patch(5, "SKU-000", 9),  # duplicate message id
        {"messageId": 6, "sku": "SKU-000", "operationType": "DELETE",
         "productType": "HOME"},  # productType not allowed for DELETE
    ]  # fmt: skip
    _feed, report = _run(listing_client, messages)
    codes = {(i["messageId"], i["code"]) for i in report["issues"]}
    assert (1, "INVALID_QUANTITY") in codes and (2, "INVALID_QUANTITY") in codes
    assert (3, "INVALID_MESSAGE") in codes and (4, "INVALID_MESSAGE") in codes
    assert (5, "DUPLICATE_MESSAGE_ID") in codes and (6, "INVALID_MESSAGE") in codes
    text = {i["messageId"]: i["message"] for i in report["issues"]}
    assert "productType" in text[3]
    assert report["summary"]["messagesInvalid"] == 6  # the first 5 is accepted
    assert report["summary"]["messagesAccepted"] == 1
    quantities = {
        e["marketplaceId"]: e["quantity"] for e in listing_app.listings(sku="SKU-000")
    }
    assert quantities == {DE: 4, FR: 5}


def test_wrong_seller_id_rejects_every_message(listing_app, listing_client):
    feed, report = _run(
        listing_client, [_patch(1, "SKU-000", 1), _patch(2, "SKU-000", 2)],
        seller=SELLER_PLAIN,
    )  # fmt: skip
    assert feed["processingStatus"] == "DONE"
    assert {i["code"] for i in report["issues"]} == {"SELLER_ID_MISMATCH"}
    assert report["summary"]["messagesInvalid"] == 2
    assert listing_app.listings(sku="SKU-000")[0]["quantity"] == 5


def test_update_delete_and_channels(listing_app, listing_client):
    update = {
        "messageId": 1,
        "sku": "SKU-NEW",
        "operationType": "UPDATE",
        "productType": "LUGGAGE",
        "attributes": {
            "item_name": [{"value": "Neu", "marketplace_id": DE}],
            "fulfillment_availability": [
                {"fulfillment_channel_code": "DEFAULT", "quantity": 3}
            ],
        },
    }
    to_fba = _patch(2, "SKU-000", None, channel="AMAZON_EU")
    delete = {"messageId": 3, "sku": "SKU-001", "operationType": "DELETE"}
    _feed, report = _run(listing_client, [update, to_fba, delete])
    assert report["issues"] == []
    [new] = listing_app.listings(sku="SKU-NEW")
    assert (new["productType"], new["quantity"]) == ("LUGGAGE", 3)
    de = next(
        e for e in listing_app.listings(sku="SKU-000") if e["marketplaceId"] == DE
    )
    assert de["fulfillmentChannel"] == "AMAZON_EU" and "quantity" not in de
    assert listing_app.listings(sku="SKU-001") == []


def test_seller_without_listings_gets_them_created():
    app = SandboxApp(_scenario(with_listings=False), frozen=True)
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    _feed, report = _run(client, [_patch(1, "ANY-SKU", 8)])
    assert report["issues"] == []
    [entry] = app.listings(SELLER_PII)
    assert entry["sku"] == "ANY-SKU" and entry["quantity"] == 8
    assert entry["fulfillmentChannel"] == "DEFAULT"


def test_unreadable_documents_are_fatal(listing_client):
    feed, data = run_feed(listing_client, FEED, "{not json", JSON_TYPE)
    assert feed["processingStatus"] == "FATAL"
    report = json.loads(data)
    _check_report(report)
    assert report["issues"][0]["code"] == "INVALID_JSON"
    feed, data = run_feed(
        listing_client, FEED, json.dumps({"header": {"version": "2.0"}}), JSON_TYPE
    )
    assert feed["processingStatus"] == "FATAL"
    assert json.loads(data)["issues"][0]["code"] == "INVALID_DOCUMENT"


def test_amazon_example_feed_is_processed(listing_app, listing_client):
    require_models()
    path = models.schemas_dir() / "feeds" / "listings-feed-schema-v2.example.json"
    example = json.loads(path.read_text())
    example["header"]["sellerId"] = SELLER_PII
    feed, data = run_feed(listing_client, FEED, json.dumps(example), JSON_TYPE)
    report = json.loads(data)
    _check_report(report)
    assert feed["processingStatus"] == "DONE"
    assert report["header"]["report"] == example["header"]["report"]
    assert report["summary"]["messagesProcessed"] == len(example["messages"])


def test_scenario_listing_checks():
    scenario = _scenario()
    scenario["listings"].append(
        {"sellerId": "NOPE", "sku": "", "marketplaceId": "ATVPDKIKX0DER",
         "productType": "HOME", "fulfillmentChannel": "FBA", "quantity": -1}
    )  # fmt: skip
    scenario["listings"].append(dict(scenario["listings"][0]))
    with pytest.raises(ScenarioError) as error:
        SandboxApp(scenario)
    text = "\n".join(error.value.problems)
    for expected in ("unknown sellerId", "'sku'", "fulfillmentChannel", "quantity",
                     "duplicate listing"):  # fmt: skip
        assert expected in text
