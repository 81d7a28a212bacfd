"""Shared fixtures: an in-process sandbox and a client that checks every answer.

``SpClient`` wraps werkzeug's test client: each SP-API answer must carry
``x-amzn-RequestId`` and, when Amazon's models are available, its body must
validate against the schema the model declares for that operation and status.
"""

from __future__ import annotations

import gzip
import os
from urllib.parse import urlsplit

import pytest
from werkzeug.test import Client

from spapi_sandbox import SandboxApp, models
from spapi_sandbox.samples import (
    CLIENT_ID,
    CLIENT_SECRET,
    DE,
    REFRESH_PII,
    SELLER_PII,
    sample_scenario,
)

# operation path prefix -> (model, model path template, method)
_OPERATIONS = [
    ("GET", "/orders/2026-01-01/orders/", models.ORDERS_2026,
     "/orders/2026-01-01/orders/{orderId}"),
    ("GET", "/orders/2026-01-01/orders", models.ORDERS_2026,
     "/orders/2026-01-01/orders"),
    ("POST", "/orders/v0/orders/", models.ORDERS_V0,
     "/orders/v0/orders/{orderId}/shipmentConfirmation"),
    ("GET", "/sellers/v1/marketplaceParticipations", models.SELLERS,
     "/sellers/v1/marketplaceParticipations"),
    ("POST", "/feeds/2021-06-30/documents", models.FEEDS,
     "/feeds/2021-06-30/documents"),
    ("GET", "/feeds/2021-06-30/documents/", models.FEEDS,
     "/feeds/2021-06-30/documents/{feedDocumentId}"),
    ("GET", "/feeds/2021-06-30/feeds/", models.FEEDS,
     "/feeds/2021-06-30/feeds/{feedId}"),
    ("DELETE", "/feeds/2021-06-30/feeds/", models.FEEDS,
     "/feeds/2021-06-30/feeds/{feedId}"),
    ("GET", "/feeds/2021-06-30/feeds", models.FEEDS, "/feeds/2021-06-30/feeds"),
    ("POST", "/feeds/2021-06-30/feeds", models.FEEDS, "/feeds/2021-06-30/feeds"),
    ("GET", "/fba/inventory/v1/summaries", models.FBA_INVENTORY,
     "/fba/inventory/v1/summaries"),
]  # fmt: skip

MODELS_MISSING = f"Amazon's models folder {models.models_dir()} is missing"


def require_models() -> None:
    """Skip the calling test without the models; fail instead when ``CI`` is set."""
    if models.models_available():
        return
    if os.environ.get("CI"):
        pytest.fail(MODELS_MISSING + " (CI is set: not skipping)")
    pytest.skip(MODELS_MISSING)


def check_against_model(method: str, path: str, status: int, body) -> None:
    """Assert an SP-API answer matches the model's response schema."""
    model, template = next(
        (model, template)
        for op_method, prefix, model, template in _OPERATIONS
        if method == op_method and path.startswith(prefix)
    )
    schema = models.response_schema(model, template, method, status)
    if schema is None:
        assert body is None, f"{status} must have an empty body"
        return
    validator = models.schema_validator(model, schema)
    errors = models.validation_errors(validator, body)
    assert not errors, f"{method} {path} {status} does not match the model: {errors}"


class SpClient:
    """A test client for SP-API calls with a seller's access token."""

    def __init__(self, app: SandboxApp, token: str | None = None):
        self.app = app
        self.http = Client(app)
        self.token = token

    @property
    def seller_id(self) -> str:
        return self.app.state.tokens[self.token].seller_id

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        access = token or self.token
        if access:
            headers["x-amz-access-token"] = access
        response = self.http.open(path, method=method, headers=headers, **kwargs)
        assert response.headers.get("x-amzn-RequestId")
        if response.status_code == 429:
            assert "x-amzn-RateLimit-Limit" not in response.headers
        body = response.get_json(silent=True) if response.data else None
        if response.data:
            assert body is not None, f"answer is not JSON: {response.data[:200]!r}"
        if models.models_available():
            check_against_model(method, path, response.status_code, body)
        response.body = body
        return response

    def get(self, path: str, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self.call("POST", path, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.call("DELETE", path, **kwargs)

    def search(self, **query):
        """searchOrders with ``query`` (lists are sent comma-joined)."""
        params = {
            key: ",".join(value) if isinstance(value, (list, tuple)) else value
            for key, value in query.items()
        }
        return self.get("/orders/2026-01-01/orders", query_string=params)


def lwa_token(app: SandboxApp, refresh_token: str = REFRESH_PII) -> str:
    """An access token obtained through the LWA endpoint."""
    response = Client(app).post(
        "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": refresh_token,
        },
    )
    assert response.status_code == 200, response.data
    return response.get_json()["access_token"]


@pytest.fixture
def app() -> SandboxApp:
    """A sandbox seeded with 10 sample orders, clock frozen at the start."""
    return SandboxApp(sample_scenario(10), frozen=True)


@pytest.fixture
def client(app: SandboxApp) -> SpClient:
    """An SpClient authorised as the PII seller."""
    return SpClient(app, app.issue_access_token(SELLER_PII))


TSV = "text/tab-separated-values; charset=UTF-8"
XML = "text/xml; charset=UTF-8"
JSON_TYPE = "application/json; charset=UTF-8"


def presigned_path(url: str) -> str:
    """The path and query of a sandbox pre-signed URL (for the test client)."""
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.path.startswith("/_sandbox/")
    return f"{parts.path}?{parts.query}"


def upload_document(client: SpClient, content, content_type: str) -> str:
    """createFeedDocument, then PUT ``content`` to its URL; return the id."""
    created = client.post(
        "/feeds/2021-06-30/documents", json={"contentType": content_type}
    )
    assert created.status_code == 201, created.body
    if isinstance(content, str):
        content = content.encode("utf-8")
    put = client.http.put(
        presigned_path(created.body["url"]),
        data=content,
        headers={"Content-Type": content_type},
    )
    assert put.status_code == 200, put.data
    return created.body["feedDocumentId"]


def submit_feed(
    client: SpClient,
    feed_type: str,
    content,
    content_type: str = TSV,
    marketplaces: tuple[str, ...] = (DE,),
) -> str:
    """Upload a document and create a feed of it; return the feedId."""
    document_id = upload_document(client, content, content_type)
    response = client.post(
        "/feeds/2021-06-30/feeds",
        json={
            "feedType": feed_type,
            "marketplaceIds": list(marketplaces),
            "inputFeedDocumentId": document_id,
        },
    )
    assert response.status_code == 202, response.body
    return response.body["feedId"]


def feed_result(client: SpClient, feed_id: str) -> tuple[dict, bytes]:
    """(getFeed body, result document bytes) of a finished feed."""
    feed = client.get(f"/feeds/2021-06-30/feeds/{feed_id}")
    assert feed.status_code == 200
    assert feed.body["processingStatus"] in ("DONE", "FATAL"), feed.body
    document = client.get(
        f"/feeds/2021-06-30/documents/{feed.body['resultFeedDocumentId']}"
    )
    assert document.status_code == 200
    download = client.http.get(presigned_path(document.body["url"]))
    assert download.status_code == 200
    data = download.data
    if document.body.get("compressionAlgorithm") == "GZIP":
        data = gzip.decompress(data)
    return feed.body, data


def run_feed(
    client: SpClient,
    feed_type: str,
    content,
    content_type: str = TSV,
    marketplaces: tuple[str, ...] = (DE,),
) -> tuple[dict, bytes]:
    """Submit a feed, let 60 sandbox seconds pass, return its result."""
    feed_id = submit_feed(client, feed_type, content, content_type, marketplaces)
    client.app.advance(60)
    return feed_result(client, feed_id)
