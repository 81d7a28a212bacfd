"""Feeds 2021-06-30: documents, pre-signed URLs, status over sandbox time,
getFeeds paging, cancelFeed, and the order feeds (acknowledgement/cancellation
in TSV and XML, flat-file fulfillment). Every SP-API answer is checked against
the Feeds model by ``SpClient``."""

from __future__ import annotations

import gzip
from decimal import Decimal

import pytest
from conftest import (
    TSV,
    XML,
    SpClient,
    feed_result,
    presigned_path,
    run_feed,
    submit_feed,
    upload_document,
)

from spapi_sandbox import SandboxApp
from spapi_sandbox.feed_processing import parse_xml_report
from spapi_sandbox.samples import DE, FR, SELLER_PII, SELLER_PLAIN, sample_scenario

ACK = "POST_FLAT_FILE_ORDER_ACKNOWLEDGEMENT_DATA"
ACK_XML = "POST_ORDER_ACKNOWLEDGEMENT_DATA"
SHIP = "POST_FLAT_FILE_FULFILLMENT_DATA"
ACK_HEADER = "order-id\tamazon-order-item-code\tcancellation-reason-code\n"
SHIP_HEADER = (
    "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\t"
    "tracking-number\tship-method\n"
)


def _orders(app: SandboxApp) -> list[dict]:
    return [record.order for record in app.state.orders_of(SELLER_PII)]


def _ack(rows: list[tuple[str, str, str]]) -> str:
    return ACK_HEADER + "".join("\t".join(row) + "\n" for row in rows)


def _report(data: bytes) -> dict:
    return parse_xml_report(data)


# ------------------------------------------------------------ documents
def test_feed_status_follows_the_sandbox_clock(app, client):
    order = _orders(app)[0]
    feed_id = submit_feed(client, ACK, _ack([(order["orderId"], "", "NoInventory")]))
    path = f"/feeds/2021-06-30/feeds/{feed_id}"
    first = client.get(path).body
    assert first["processingStatus"] == "IN_QUEUE"
    assert first["createdTime"] == "2026-11-01T12:00:00Z"
    assert first["marketplaceIds"] == [DE]
    assert "processingStartTime" not in first
    app.advance(29)
    assert client.get(path).body["processingStatus"] == "IN_QUEUE"
    app.advance(1)
    started = client.get(path).body
    assert started["processingStatus"] == "IN_PROGRESS"
    assert started["processingStartTime"] == "2026-11-01T12:00:30Z"
    assert (
        app.order_state(order["orderId"])["order"]["fulfillment"]["fulfillmentStatus"]
        == "UNSHIPPED"
    )  # not applied before DONE
    app.advance(30)
    done = client.get(path).body
    assert done["processingStatus"] == "DONE"
    assert done["processingEndTime"] == "2026-11-01T12:01:00Z"
    assert done["resultFeedDocumentId"].startswith("amzn1.tortuga.4.eu.")


def test_timing_is_configurable(app, client):
    app.feed_settings(queue_seconds=5, processing_seconds=10)
    feed_id = submit_feed(client, ACK, _ack([("302-0000000-0000000", "", "Bad")]))
    app.advance(15)
    body = client.get(f"/feeds/2021-06-30/feeds/{feed_id}").body
    assert body["processingStatus"] == "DONE"
    assert body["processingEndTime"] == "2026-11-01T12:00:15Z"


def test_upload_url_rules(app, client):
    created = client.post("/feeds/2021-06-30/documents", json={"contentType": TSV})
    assert created.status_code == 201
    url = created.body["url"]
    assert url.startswith("http://") and "/_sandbox/uploads/" in url
    path = presigned_path(url)
    wrong_type = client.http.put(
        path, data=b"x", headers={"Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 403 and b"SignatureDoesNotMatch" in wrong_type.data
    tampered = client.http.put(
        path.replace("signature=", "signature=0"),
        data=b"x",
        headers={"Content-Type": TSV},
    )
    assert tampered.status_code == 403
    # same type, other spacing and case: accepted, no SP-API token needed
    ok = client.http.put(
        path,
        data=b"a\tb\n",
        headers={"Content-Type": "text/tab-separated-values;charset=utf-8"},
    )
    assert ok.status_code == 200
    app.advance(5 * 60 + 1)
    expired = client.http.put(path, data=b"x", headers={"Content-Type": TSV})
    assert expired.status_code == 403 and b"Request has expired" in expired.data
    assert app.feed_document(created.body["feedDocumentId"]) == b"a\tb\n"
    unknown = client.http.put("/_sandbox/uploads/nope?expires=1&signature=x", data=b"x")
    assert unknown.status_code == 404
    assert client.post("/feeds/2021-06-30/documents", json={}).status_code == 400


def test_get_feed_document_serves_input_and_gzip_results(app, client):
    document_id = upload_document(client, "order-id\n", TSV)
    got = client.get(f"/feeds/2021-06-30/documents/{document_id}")
    assert got.status_code == 200 and "compressionAlgorithm" not in got.body
    assert client.http.get(presigned_path(got.body["url"])).data == b"order-id\n"

    app.feed_settings(gzip_results=True)
    order = _orders(app)[0]
    feed_id = submit_feed(client, ACK, _ack([(order["orderId"], "", "NoInventory")]))
    app.advance(60)
    result_id = client.get(f"/feeds/2021-06-30/feeds/{feed_id}").body[
        "resultFeedDocumentId"
    ]
    document = client.get(f"/feeds/2021-06-30/documents/{result_id}").body
    assert document["compressionAlgorithm"] == "GZIP"
    raw = client.http.get(presigned_path(document["url"]))
    assert "Content-Encoding" not in raw.headers
    assert b"<ProcessingReport>" in gzip.decompress(raw.data)
    encoded = client.get(
        f"/feeds/2021-06-30/documents/{result_id}",
        query_string={"enableContentEncodingUrlHeader": "true"},
    ).body
    response = client.http.get(presigned_path(encoded["url"]))
    assert response.headers["Content-Encoding"] == "gzip"
    _feed, data = feed_result(client, feed_id)
    assert _report(data)["summary"]["MessagesSuccessful"] == 1
    app.advance(5 * 60 + 1)
    assert client.http.get(presigned_path(document["url"])).status_code == 403
    # ids: well-formed unknown -> 404, malformed -> 400
    assert (
        client.get(
            "/feeds/2021-06-30/documents/amzn1.tortuga.4.eu."
            "00000000-0000-0000-0000-000000000000.T9"
        ).status_code
        == 404
    )
    assert client.get("/feeds/2021-06-30/documents/nope").status_code == 400


def test_create_feed_rules(app, client):
    document_id = upload_document(client, ACK_HEADER, TSV)
    path = "/feeds/2021-06-30/feeds"
    base = {"feedType": ACK, "marketplaceIds": [DE], "inputFeedDocumentId": document_id}
    stray = client.post(path, json={**base, "MarketplaceIds": [DE], "x": 1})
    assert stray.status_code == 202
    for broken in (
        {k: v for k, v in base.items() if k != "feedType"},
        {**base, "marketplaceIds": []},
        {**base, "marketplaceIds": ["ATVPDKIKX0DER"]},  # not the seller's
        {**base, "inputFeedDocumentId": "badDocumentId"},
        {**base, "feedOptions": {"a": 1}},
    ):
        assert client.post(path, json=broken).status_code == 400, broken
    assert (
        client.post(path, data="{", content_type="application/json").status_code == 400
    )
    # another seller cannot use the document
    other = SpClient(app, app.issue_access_token(SELLER_PLAIN))
    assert other.post(path, json=base).status_code == 400


def test_get_feed_ids_and_other_sellers(app, client):
    feed_id = submit_feed(client, ACK, ACK_HEADER)
    assert client.get("/feeds/2021-06-30/feeds/99999999999").status_code == 404
    assert client.get("/feeds/2021-06-30/feeds/badFeedId1").status_code == 400
    other = SpClient(app, app.issue_access_token(SELLER_PLAIN))
    assert other.get(f"/feeds/2021-06-30/feeds/{feed_id}").status_code == 404


def test_cancel_feed_only_in_queue(app, client):
    order = _orders(app)[0]
    feed_id = submit_feed(client, ACK, _ack([(order["orderId"], "", "NoInventory")]))
    cancelled = client.delete(f"/feeds/2021-06-30/feeds/{feed_id}")
    assert cancelled.status_code == 200 and cancelled.data == b""
    app.advance(120)
    body = client.get(f"/feeds/2021-06-30/feeds/{feed_id}").body
    assert body["processingStatus"] == "CANCELLED"
    assert "resultFeedDocumentId" not in body
    stored = app.order_state(order["orderId"])["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    assert client.delete(f"/feeds/2021-06-30/feeds/{feed_id}").status_code == 400
    second = submit_feed(client, ACK, ACK_HEADER)
    app.advance(30)
    assert client.delete(f"/feeds/2021-06-30/feeds/{second}").status_code == 400
    assert client.delete("/feeds/2021-06-30/feeds/BADID1").status_code == 400


def test_get_feeds_filters_and_paging(app, client):
    app.set_rate_limits(False)  # getFeeds allows a burst of 10
    ids = []
    for _ in range(5):
        ids.append(submit_feed(client, ACK, ACK_HEADER))
        app.advance(10)
    ids.append(submit_feed(client, SHIP, SHIP_HEADER, marketplaces=(FR,)))
    path = "/feeds/2021-06-30/feeds"
    assert client.get(path).status_code == 400  # feedTypes or nextToken
    assert (
        client.get(
            path, query_string={"feedTypes": ACK, "processingStatuses": "BAD_VALUE"}
        ).status_code
        == 400
    )
    assert (
        client.get(path, query_string={"feedTypes": ACK, "pageSize": "0"}).status_code
        == 400
    )
    seen, query, pages = [], {"feedTypes": ACK, "pageSize": "2"}, 0
    while True:
        page = client.get(path, query_string=query)
        assert page.status_code == 200
        pages += 1
        seen += [feed["feedId"] for feed in page.body["feeds"]]
        if "nextToken" not in page.body:
            break
        mixed = client.get(
            path, query_string={"feedTypes": ACK, "nextToken": page.body["nextToken"]}
        )
        assert mixed.status_code == 400  # the token must be sent alone
        query = {"nextToken": page.body["nextToken"]}
    assert pages == 3 and seen == list(reversed(ids[:5]))  # newest first
    app.advance(20)  # now 70 s after the first feed: the first two are DONE
    done = client.get(
        path,
        query_string={"feedTypes": f"{ACK},{SHIP}", "processingStatuses": "DONE"},
    ).body["feeds"]
    assert [f["feedId"] for f in done] == [ids[1], ids[0]]
    in_fr = client.get(
        path, query_string={"feedTypes": f"{ACK},{SHIP}", "marketplaceIds": FR}
    ).body["feeds"]
    assert [f["feedId"] for f in in_fr] == [ids[5]]
    assert client.get(path, query_string={"nextToken": "forged.x"}).status_code == 400


# ----------------------------------------------- order acknowledgement
def test_ack_cancels_the_whole_order(app, client):
    order = _orders(app)[0]
    feed, data = run_feed(client, ACK, _ack([(order["orderId"], "", "NoInventory")]))
    report = _report(data)
    assert report["documentTransactionId"] == feed["feedId"]
    assert report["summary"] == {
        "MessagesProcessed": 1,
        "MessagesSuccessful": 1,
        "MessagesWithError": 0,
        "MessagesWithWarning": 0,
    }
    stored = app.order_state(order["orderId"])["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    assert stored["lastUpdatedTime"] == feed["processingEndTime"]
    for item in stored["orderItems"]:
        assert item["cancellation"]["cancellationExecution"] == {
            "cancelledBy": "MERCHANT",
            "cancelReason": "NoInventory",
        }
        assert item["proceeds"]["proceedsTotal"]["amount"] == "0.00"
    assert stored["proceeds"]["grandTotal"]["amount"] == "0.00"
    app.advance(300)
    seen = client.search(
        lastUpdatedAfter="2026-11-01T12:00:30Z", includedData="CANCELLATION"
    ).body["orders"]
    assert [o["orderId"] for o in seen] == [order["orderId"]]


def test_ack_cancels_one_item_and_recomputes_proceeds(app, client):
    order = _orders(app)[1]
    first, second = order["orderItems"]
    kept_total = Decimal(second["proceeds"]["proceedsTotal"]["amount"])
    _feed, data = run_feed(
        client, ACK, _ack([(order["orderId"], first["orderItemId"], "BuyerCanceled")])
    )
    assert _report(data)["results"] == []
    stored = app.order_state(order["orderId"])["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    cancelled, kept = stored["orderItems"]
    assert cancelled["cancellation"]["cancellationExecution"]["cancelReason"] == (
        "BuyerCanceled"
    )
    assert cancelled["proceeds"]["breakdowns"] == [
        {"type": "ITEM", "subtotal": {"amount": "0.00", "currencyCode": "EUR"}}
    ]
    assert "cancellationExecution" not in kept.get("cancellation", {})
    assert Decimal(stored["proceeds"]["grandTotal"]["amount"]) == kept_total
    # cancelling the last item cancels the order
    run_feed(
        client, ACK, _ack([(order["orderId"], second["orderItemId"], "NoInventory")])
    )
    stored = app.order_state(order["orderId"])["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "CANCELLED"


def test_ack_errors_are_reported_per_row(app, client):
    orders = _orders(app)
    shipped, other, cancelled = orders[2], orders[3], orders[4]
    item = shipped["orderItems"][0]
    confirm = client.post(
        f"/orders/v0/orders/{shipped['orderId']}/shipmentConfirmation",
        json={
            "marketplaceId": DE,
            "packageDetail": {
                "packageReferenceId": "1",
                "carrierCode": "DHL",
                "trackingNumber": "JJD01",
                "shipDate": "2026-11-01T11:00:00Z",
                "orderItems": [{"orderItemId": item["orderItemId"], "quantity": 1}],
            },
        },
    )
    assert confirm.status_code == 204
    run_feed(client, ACK, _ack([(cancelled["orderId"], "", "CustomerExchange")]))
    rows = [
        (shipped["orderId"], item["orderItemId"], "NoInventory"),  # 1 shipped item
        (shipped["orderId"], "", "NoInventory"),  # 2 whole order partly shipped
        ("302-9999999-9999999", "", "NoInventory"),  # 3 unknown order
        (other["orderId"], "", "OutOfStock"),  # 4 not an Amazon reason
        (cancelled["orderId"], "", "NoInventory"),  # 5 already cancelled
        (other["orderId"], "99999999999999", "NoInventory"),  # 6 unknown item
        (other["orderId"], other["orderItems"][1]["orderItemId"], "NoInventory"),
    ]
    _feed, data = run_feed(client, ACK, _ack(rows))
    report = _report(data)
    by_message = {r["messageId"]: r for r in report["results"]}
    assert sorted(by_message) == [1, 2, 3, 4, 5, 6]
    assert by_message[1]["resultMessageCode"] == "90103"
    assert "shipped" in by_message[1]["description"]
    assert by_message[2]["resultMessageCode"] == "90103"
    assert by_message[3]["resultMessageCode"] == "90101"
    assert by_message[3]["amazonOrderId"] == "302-9999999-9999999"
    assert by_message[4]["resultMessageCode"] == "90104"
    assert "OutOfStock" in by_message[4]["description"]
    assert by_message[5]["resultCode"] == "Warning"
    assert by_message[5]["resultMessageCode"] == "90105"
    assert "already cancelled" in by_message[5]["description"]
    assert by_message[6]["resultMessageCode"] == "90102"
    assert report["summary"] == {
        "MessagesProcessed": 7,
        "MessagesSuccessful": 2,
        "MessagesWithError": 5,
        "MessagesWithWarning": 1,
    }
    assert all(r["resultCode"] == "Error" for k, r in by_message.items() if k != 5)
    stored = app.order_state(shipped["orderId"])["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "PARTIALLY_SHIPPED"
    assert not any(
        i.get("cancellation", {}).get("cancellationExecution")
        for i in stored["orderItems"]
    )
    assert app.order_state(other["orderId"])["order"]["orderItems"][1]["cancellation"][
        "cancellationExecution"
    ]


def test_ack_rejects_fba_orders():
    scenario = sample_scenario(2)
    scenario["orders"][0]["order"]["fulfillment"]["fulfilledBy"] = "AMAZON"
    app = SandboxApp(scenario, frozen=True)
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    order_id = scenario["orders"][0]["order"]["orderId"]
    _feed, data = run_feed(client, ACK, _ack([(order_id, "", "NoInventory")]))
    assert _report(data)["results"][0]["resultMessageCode"] == "90106"


def test_xml_order_acknowledgement(app, client):
    orders = _orders(app)
    whole, partial, success = orders[5], orders[6], orders[7]
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.01</DocumentVersion>
    <MerchantIdentifier>{SELLER_PII}</MerchantIdentifier></Header>
  <MessageType>OrderAcknowledgement</MessageType>
  <Message><MessageID>1</MessageID><OrderAcknowledgement>
    <AmazonOrderID>{whole["orderId"]}</AmazonOrderID>
    <StatusCode>Failure</StatusCode><CancelReason>GeneralAdjustment</CancelReason>
  </OrderAcknowledgement></Message>
  <Message><MessageID>2</MessageID><OrderAcknowledgement>
    <AmazonOrderID>{partial["orderId"]}</AmazonOrderID>
    <StatusCode>Failure</StatusCode>
    <Item><AmazonOrderItemCode>{partial["orderItems"][0]["orderItemId"]}</AmazonOrderItemCode>
      <CancelReason>NoInventory</CancelReason></Item>
    <Item><AmazonOrderItemCode>{partial["orderItems"][1]["orderItemId"]}</AmazonOrderItemCode>
      <CancelReason>Nope</CancelReason></Item>
  </OrderAcknowledgement></Message>
  <Message><MessageID>3</MessageID><OrderAcknowledgement>
    <AmazonOrderID>{success["orderId"]}</AmazonOrderID>
    <StatusCode>Success</StatusCode>
  </OrderAcknowledgement></Message>
</AmazonEnvelope>"""
    feed, data = run_feed(client, ACK_XML, xml, XML)
    assert feed["processingStatus"] == "DONE"
    report = _report(data)
    assert [(r["messageId"], r["resultMessageCode"]) for r in report["results"]] == [
        (2, "90104")
    ]
    assert report["summary"]["MessagesSuccessful"] == 2
    state = {o["orderId"]: app.order_state(o["orderId"])["order"] for o in orders}
    assert state[whole["orderId"]]["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
    items = state[partial["orderId"]]["orderItems"]
    assert items[0]["cancellation"]["cancellationExecution"]["cancelReason"] == (
        "NoInventory"
    )
    assert "cancellationExecution" not in items[1].get("cancellation", {})
    assert state[success["orderId"]]["fulfillment"]["fulfillmentStatus"] == "UNSHIPPED"
    broken, data = run_feed(client, ACK_XML, "<AmazonEnvelope>", XML)
    assert broken["processingStatus"] == "FATAL"
    assert _report(data)["results"][0]["resultMessageCode"] == "90198"


# --------------------------------------------------------- fulfillment
def test_flat_file_fulfillment_without_tracking(app, client):
    orders = _orders(app)
    one, two = orders[0], orders[1]
    rows = [
        # two rows of one package without tracking number
        (one["orderId"], one["orderItems"][0]["orderItemId"], "2", "2026-11-01",
         "DHL", "", "", "Paket"),
        (one["orderId"], one["orderItems"][1]["orderItemId"], "1", "2026-11-01",
         "DHL", "", "", "Paket"),
        # unknown carrier code: confirmShipment's error
        (two["orderId"], two["orderItems"][0]["orderItemId"], "1", "2026-11-01",
         "Pigeon Post", "", "123", ""),
        # more than ordered
        (two["orderId"], two["orderItems"][1]["orderItemId"], "5", "2026-11-01",
         "Other", "Kurier Schmidt", "KS1", ""),
        # broken quantity
        (two["orderId"], two["orderItems"][1]["orderItemId"], "x", "2026-11-01",
         "DHL", "", "", ""),
    ]  # fmt: skip
    content = SHIP_HEADER + "".join("\t".join(r) + "\n" for r in rows)
    feed, data = run_feed(client, SHIP, content)
    report = _report(data)
    by_message = {r["messageId"]: r for r in report["results"]}
    assert sorted(by_message) == [3, 4, 5]
    assert "carrierCode" in by_message[3]["description"]
    assert "exceeds the unshipped quantity" in by_message[4]["description"]
    assert by_message[5]["resultMessageCode"] == "90107"
    stored = app.order_state(one["orderId"])["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "SHIPPED"
    [package] = stored["packages"]
    assert "trackingNumber" not in package
    assert package["carrier"] == "DHL" and package["shippingService"] == "Paket"
    assert package["shipTime"] == "2026-11-01T00:00:00Z"
    assert package["packageReferenceId"] == f"{feed['feedId']}-1"
    assert stored["lastUpdatedTime"] == feed["processingEndTime"]
    got = client.get(
        f"/orders/2026-01-01/orders/{one['orderId']}",
        query_string={"includedData": "PACKAGES,FULFILLMENT"},
    )
    assert got.status_code == 200
    assert app.order_state(two["orderId"])["order"]["packages"] == []


def test_unsupported_and_empty_feeds_are_fatal(app, client):
    feed, data = run_feed(client, "POST_PRODUCT_DATA", "<x/>", XML)
    assert feed["processingStatus"] == "FATAL"
    result = _report(data)["results"][0]
    assert result["resultMessageCode"] == "90199"
    assert "not supported" in result["description"]
    created = client.post("/feeds/2021-06-30/documents", json={"contentType": TSV})
    response = client.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": ACK,
            "marketplaceIds": [DE],
            "inputFeedDocumentId": created.body["feedDocumentId"],
        },
    )
    app.advance(60)
    feed, data = feed_result(client, response.body["feedId"])
    assert feed["processingStatus"] == "FATAL"
    assert "never uploaded" in _report(data)["results"][0]["description"]
    bad_header, data = run_feed(client, ACK, "order\treason\n1\t2\n")
    assert bad_header["processingStatus"] == "FATAL"


# -------------------------------------- faults, usage plans, call log
def test_faults_rate_limits_and_call_log_apply(app, client):
    document_id = upload_document(client, ACK_HEADER, TSV)
    body = {"feedType": ACK, "marketplaceIds": [DE], "inputFeedDocumentId": document_id}
    statuses = [client.post("/feeds/2021-06-30/feeds", json=body) for _ in range(16)]
    assert [r.status_code for r in statuses] == [202] * 15 + [429]
    assert statuses[0].headers["x-amzn-RateLimit-Limit"] == "0.0083"
    app.advance(121)  # 0.0083/s refills one token in about 120 s
    assert client.post("/feeds/2021-06-30/feeds", json=body).status_code == 202
    feed_id = statuses[0].body["feedId"]
    app.add_faults(
        [
            {"operation": "getFeed", "status": 503},
            {"operation": "uploadFeedDocument", "status": 500},
        ]
    )
    assert client.get(f"/feeds/2021-06-30/feeds/{feed_id}").status_code == 503
    assert client.get(f"/feeds/2021-06-30/feeds/{feed_id}").status_code == 200
    created = client.post("/feeds/2021-06-30/documents", json={"contentType": TSV})
    failed = client.http.put(
        presigned_path(created.body["url"]), data=b"x", headers={"Content-Type": TSV}
    )
    assert failed.status_code == 500
    log = app.call_log()
    assert log["counts"]["createFeed"] == 17
    assert log["throttledByOperation"] == {"createFeed": 1}
    assert log["counts"]["uploadFeedDocument"] == 2
    assert {
        c["sellerId"]
        for c in log["calls"]
        if c["status"] == 200 and c["operation"] == "getFeed"
    } == {SELLER_PII}


def test_control_api_lists_feeds_and_settings(app, client):
    from werkzeug.test import Client

    submit_feed(client, ACK, ACK_HEADER)
    http = Client(app)
    listed = http.get("/_sandbox/feeds").get_json()
    assert listed["settings"] == {
        "queueSeconds": 30,
        "processingSeconds": 30,
        "gzipResults": False,
    }
    assert listed["feeds"][0]["sellerId"] == SELLER_PII
    changed = http.post("/_sandbox/feeds", json={"gzipResults": True}).get_json()
    assert changed["settings"]["gzipResults"] is True
    assert http.post("/_sandbox/feeds", json={"nope": 1}).status_code == 400
    assert http.post("/_sandbox/feeds", json={"queueSeconds": -1}).status_code == 400


@pytest.mark.parametrize("reason", ["NoInventory", "ShippingAddressUndeliverable",
                                    "CustomerExchange", "BuyerCanceled",
                                    "GeneralAdjustment", "CarrierCreditDecision",
                                    "RiskAssessmentInformationNotValid",
                                    "CarrierCoverageFailure", "CustomerReturn",
                                    "MerchandiseNotReceived"])  # fmt: skip
def test_every_amazon_reason_code_cancels(reason):
    app = SandboxApp(sample_scenario(1), frozen=True)
    client = SpClient(app, app.issue_access_token(SELLER_PII))
    order = _orders(app)[0]
    _feed, data = run_feed(client, ACK, _ack([(order["orderId"], "", reason)]))
    assert _report(data)["results"] == []
    stored = app.order_state(order["orderId"])["order"]
    assert stored["fulfillment"]["fulfillmentStatus"] == "CANCELLED"
