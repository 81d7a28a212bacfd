"""Feeds API 2021-06-30: feed documents, feeds and their processing over time.

Operations (handlers ``handler(app, request, seller, now, **path_args)``):

- ``createFeedDocument`` ``POST /feeds/2021-06-30/documents`` -> 201
  ``{feedDocumentId, url}``; the url is a pre-signed sandbox URL
  (``/_sandbox/uploads/<id>?expires=..&signature=..``) accepting one ``PUT``
  without SP-API auth, with the declared content type, for 5 sandbox minutes;
- ``createFeed`` ``POST /feeds/2021-06-30/feeds`` -> 202 ``{feedId}``; unknown
  body keys are ignored (python-amazon-sp-api adds ``MarketplaceIds``);
- ``getFeed``, ``getFeeds`` (``feedTypes`` or ``nextToken`` alone), ``cancelFeed``
  (only while IN_QUEUE), ``getFeedDocument`` (a fresh pre-signed download URL
  ``/_sandbox/documents/<id>?...``, ``compressionAlgorithm: GZIP`` for result
  documents when ``FeedStore.gzip_results`` is set).

A feed is IN_QUEUE when created, IN_PROGRESS ``queue_seconds`` (30) sandbox
seconds later and DONE (or FATAL) ``queue_seconds + processing_seconds`` (60)
seconds after creation; at that moment ``feed_processing.process`` applies it
to the sandbox state and its processing report becomes the result document.
Transitions happen in ``SandboxState.apply_due_events``, interleaved in time
order with the scenario's events.

Ids: feeds get numeric ids (``50001000001``, ...), documents
``amzn1.tortuga.4.<region>.<uuid>.T1``. An unknown id that has the sandbox's
(or a UUID's) shape is a 404 NotFound; any other unknown id is a 400
InvalidInput (as the models' static examples answer ``badFeedId1``).
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from . import orders
from .clock import format_datetime, parse_datetime
from .errors import ApiError, invalid_input, not_found
from .marketplaces import MARKETPLACES

QUEUE_SECONDS = 30
PROCESSING_SECONDS = 30
URL_LIFETIME = timedelta(minutes=5)
RETENTION = timedelta(days=90)
PROCESSING_STATUSES = ("CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE")
DEFAULT_PAGE_SIZE = 10
GETFEEDS_FILTERS = (
    "feedTypes",
    "marketplaceIds",
    "pageSize",
    "processingStatuses",
    "createdSince",
    "createdUntil",
)
FIRST_FEED_ID = 50001000001
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DOCUMENT_ID = re.compile(r"^amzn1\.tortuga\.\d\.[a-z]{2}\.[0-9a-f-]{36}\.T\d+$")


@dataclass
class FeedDocument:
    """A feed document: an input uploaded by the seller or a result report."""

    document_id: str
    seller_id: str
    content_type: str
    created: datetime
    content: bytes | None = None
    is_result: bool = False
    gzipped: bool = False


@dataclass
class Feed:
    """A feed: its public ``Feed`` JSON plus the schedule and the input bytes."""

    feed_id: str
    seller_id: str
    json: dict
    created: datetime
    start_at: datetime | None = None
    done_at: datetime | None = None
    input: bytes | None = None
    input_content_type: str = ""
    options: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        """The feed's ``processingStatus``."""
        return self.json["processingStatus"]


class FeedStore:
    """Feeds and feed documents of every seller, and the processing schedule.

    ``queue_seconds`` / ``processing_seconds`` set the time a new feed stays
    IN_QUEUE / IN_PROGRESS; ``gzip_results`` stores result documents gzipped
    (``compressionAlgorithm: GZIP``).
    """

    def __init__(self):
        """Start empty, with the default timing and uncompressed results."""
        self.documents: dict[str, FeedDocument] = {}
        self.feeds: dict[str, Feed] = {}
        self.queue_seconds: float = QUEUE_SECONDS
        self.processing_seconds: float = PROCESSING_SECONDS
        self.gzip_results = False
        self._next_feed = FIRST_FEED_ID
        self._next_document = 1
        self._secret = secrets.token_bytes(32)

    # --------------------------------------------------------------- records
    def new_document(
        self,
        seller_id: str,
        content_type: str,
        now: datetime,
        content: bytes | None = None,
        region: str = "na",
        document_id: str | None = None,
        is_result: bool = False,
    ) -> FeedDocument:
        """Create and store a document (``document_id`` default: a new id)."""
        if document_id is None:
            serial = self._next_document
            document_id = f"amzn1.tortuga.4.{region.lower()}.{uuid.uuid4()}.T{serial}"
            self._next_document += 1
        document = FeedDocument(
            document_id, seller_id, content_type, now, content, is_result
        )
        self.documents[document_id] = document
        return document

    def new_feed_id(self) -> str:
        """The next numeric feed id."""
        feed_id = str(self._next_feed)
        self._next_feed += 1
        return feed_id

    def add_feed(self, feed: Feed) -> Feed:
        """Store ``feed`` (replacing one with the same id)."""
        self.feeds[feed.feed_id] = feed
        return feed

    def next_due(self, now: datetime) -> tuple[datetime, Feed] | None:
        """The earliest pending transition at or before ``now``, if any."""
        best = None
        for feed in self.feeds.values():
            if feed.status == "IN_QUEUE" and feed.start_at is not None:
                at = feed.start_at
            elif feed.status == "IN_PROGRESS" and feed.done_at is not None:
                at = feed.done_at
            else:
                continue
            if at <= now and (best is None or (at, feed.feed_id) < best[:2]):
                best = (at, feed.feed_id, feed)
        return None if best is None else (best[0], best[2])

    # ----------------------------------------------------------------- URLs
    def sign(self, document_id: str, expires: int, kind: str) -> str:
        """The signature of a pre-signed URL."""
        data = f"{kind}|{document_id}|{expires}".encode()
        return hmac.new(self._secret, data, hashlib.sha256).hexdigest()[:40]

    def url(
        self,
        base: str,
        document: FeedDocument,
        kind: str,
        now: datetime,
        content_encoding: bool = False,
    ) -> str:
        """A pre-signed ``upload`` or ``download`` URL valid for 5 minutes."""
        expires = int((now + URL_LIFETIME).timestamp())
        path = "uploads" if kind == "upload" else "documents"
        url = (
            f"{base}/_sandbox/{path}/{document.document_id}?expires={expires}"
            f"&signature={self.sign(document.document_id, expires, kind)}"
        )
        if content_encoding:
            url += "&contentEncoding=gzip"
        return url


# --------------------------------------------------------------- helpers
def _base_url(request: Request) -> str:
    environ = request.environ
    host = environ.get("SERVER_NAME", "127.0.0.1")
    return f"{request.scheme}://{host}:{environ.get('SERVER_PORT', '80')}"


def _json_body(request: Request):
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        raise invalid_input("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid_input("The request body must be a JSON object.")
    return body


def _normal_type(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "").lower()


def _check_marketplaces(values, seller, key: str, most: int) -> list[str]:
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, str) for v in values)
    ):
        raise invalid_input(f"{key} must be a non-empty list of marketplace ids.")
    if len(values) > most:
        raise invalid_input(f"{key} takes at most {most} marketplace ids.")
    foreign = [v for v in values if v not in seller.marketplace_ids]
    if foreign:
        raise invalid_input(
            f"{key} {', '.join(foreign)} not among the seller's marketplaces."
        )
    return list(dict.fromkeys(values))


def _feed_of(app, seller, feed_id: str) -> Feed:
    feed = app.state.feeds.feeds.get(feed_id)
    if feed is not None and feed.seller_id == seller.seller_id:
        return feed
    if feed_id.isdigit():
        raise not_found(f"Feed {feed_id} was not found.")
    raise invalid_input(f"Invalid feedId {feed_id!r}.")


def _document_of(app, seller, document_id: str) -> FeedDocument:
    document = app.state.feeds.documents.get(document_id)
    if document is not None and document.seller_id == seller.seller_id:
        return document
    if _DOCUMENT_ID.match(document_id) or _UUID.match(document_id):
        raise not_found(f"Feed document {document_id} was not found.")
    raise invalid_input(f"Invalid feedDocumentId {document_id!r}.")


# ------------------------------------------------------------ operations
def create_feed_document(app, request, seller, now):
    """``createFeedDocument``: 201 ``{feedDocumentId, url}`` (upload URL)."""
    body = _json_body(request)
    content_type = body.get("contentType")
    if not isinstance(content_type, str) or not content_type.strip():
        raise invalid_input("contentType is required and must be a string.")
    document = app.state.feeds.new_document(
        seller.seller_id, content_type, now, region=_region(seller)
    )
    url = app.state.feeds.url(_base_url(request), document, "upload", now)
    return 201, {"feedDocumentId": document.document_id, "url": url}


def _region(seller) -> str:
    return {"NA": "na", "EU": "eu", "FE": "fe"}.get(seller.region, "na")


def create_feed(app, request, seller, now):
    """``createFeed``: 202 ``{feedId}``; the feed starts IN_QUEUE."""
    body = _json_body(request)
    feed_type = body.get("feedType")
    if not isinstance(feed_type, str) or not feed_type.strip():
        raise invalid_input("feedType is required and must be a string.")
    marketplace_ids = _check_marketplaces(
        body.get("marketplaceIds"), seller, "marketplaceIds", 25
    )
    document_id = body.get("inputFeedDocumentId")
    if not isinstance(document_id, str) or not document_id:
        raise invalid_input("inputFeedDocumentId is required and must be a string.")
    try:
        document = _document_of(app, seller, document_id)
    except ApiError:
        raise invalid_input(f"Invalid inputFeedDocumentId {document_id!r}.") from None
    if document.is_result:
        raise invalid_input("inputFeedDocumentId names a result document.")
    options = body.get("feedOptions") or {}
    if not isinstance(options, dict) or not all(
        isinstance(v, str) for v in options.values()
    ):
        raise invalid_input("feedOptions must be an object of strings.")
    store = app.state.feeds
    feed_id = store.new_feed_id()
    feed = Feed(
        feed_id=feed_id,
        seller_id=seller.seller_id,
        json={
            "feedId": feed_id,
            "feedType": feed_type,
            "marketplaceIds": marketplace_ids,
            "createdTime": format_datetime(now),
            "processingStatus": "IN_QUEUE",
        },
        created=now,
        start_at=now + timedelta(seconds=store.queue_seconds),
        done_at=now + timedelta(seconds=store.queue_seconds + store.processing_seconds),
        input=document.content,
        input_content_type=document.content_type,
        options=dict(options),
    )
    store.add_feed(feed)
    return 202, {"feedId": feed_id}


def get_feed(app, request, seller, now, feed_id):
    """``getFeed``: the ``Feed`` object."""
    return 200, copy.deepcopy(_feed_of(app, seller, feed_id).json)


def cancel_feed(app, request, seller, now, feed_id):
    """``cancelFeed``: 200 with an empty body while IN_QUEUE, else 400."""
    feed = _feed_of(app, seller, feed_id)
    if feed.status != "IN_QUEUE":
        raise invalid_input(
            f"Feed {feed_id} is {feed.status}; only IN_QUEUE feeds can be cancelled."
        )
    feed.json["processingStatus"] = "CANCELLED"
    feed.json["processingEndTime"] = format_datetime(now)
    return 200, None


def _date_arg(args, key: str) -> datetime | None:
    if key not in args:
        return None
    try:
        return parse_datetime(args[key])
    except ValueError:
        raise invalid_input(f"{key} must be an ISO 8601 date-time.") from None


def get_feeds(app, request, seller, now):
    """``getFeeds``: filters (``feedTypes`` required) or ``nextToken`` alone."""
    args = request.args
    if "nextToken" in args:
        sent = [key for key in GETFEEDS_FILTERS if key in args]
        if sent:
            raise invalid_input(
                "nextToken must be sent alone (also sent: " + ", ".join(sent) + ")."
            )
        try:
            token = app.page_tokens.read(args["nextToken"])
        except ApiError:
            raise invalid_input("Invalid nextToken.") from None
        if token.get("kind") != "getFeeds" or token.get("seller") != seller.seller_id:
            raise invalid_input("Invalid nextToken.")
        query, cursor = token["query"], token["cursor"]
    else:
        query, cursor = _feeds_query(args, seller, now), None
    since = parse_datetime(query["since"])
    until = parse_datetime(query["until"])
    matching = [
        feed
        for feed in app.state.feeds.feeds.values()
        if feed.seller_id == seller.seller_id
        and feed.json["feedType"] in query["types"]
        and (
            not query["statuses"] or feed.json["processingStatus"] in query["statuses"]
        )
        and (
            not query["marketplaces"]
            or set(feed.json.get("marketplaceIds", [])) & set(query["marketplaces"])
        )
        and since <= feed.created <= until
    ]
    matching.sort(key=lambda f: (f.created, f.feed_id), reverse=True)
    if cursor is not None:
        mark = (parse_datetime(cursor[0]), cursor[1])
        matching = [f for f in matching if (f.created, f.feed_id) < mark]
    page = matching[: query["size"]]
    body = {"feeds": [copy.deepcopy(f.json) for f in page]}
    if len(matching) > len(page):
        last = page[-1]
        body["nextToken"] = app.page_tokens.issue(
            {
                "kind": "getFeeds",
                "seller": seller.seller_id,
                "query": query,
                "cursor": [format_datetime(last.created), last.feed_id],
            }
        )
    return 200, body


def _feeds_query(args, seller, now: datetime) -> dict:
    types = orders.query_list(args, "feedTypes")
    if not types:
        raise invalid_input("feedTypes or nextToken is required.")
    if len(types) > 10:
        raise invalid_input("feedTypes takes at most 10 values.")
    statuses = orders.query_list(args, "processingStatuses")
    wrong = [s for s in statuses if s not in PROCESSING_STATUSES]
    if wrong:
        raise invalid_input(
            f"Invalid processingStatuses value(s) {', '.join(wrong)}; allowed "
            f"values are {', '.join(PROCESSING_STATUSES)}."
        )
    marketplaces = orders.query_list(args, "marketplaceIds")
    if len(marketplaces) > 10:
        raise invalid_input("marketplaceIds takes at most 10 values.")
    unknown = [m for m in marketplaces if m not in MARKETPLACES]
    if unknown:
        raise invalid_input(f"Unknown marketplaceIds {', '.join(unknown)}.")
    size = args.get("pageSize", str(DEFAULT_PAGE_SIZE))
    if not size.isdigit() or not 1 <= int(size) <= 100:
        raise invalid_input("pageSize must be an integer from 1 to 100.")
    since = _date_arg(args, "createdSince") or now - RETENTION
    until = _date_arg(args, "createdUntil") or now
    if since > until:
        raise invalid_input("createdSince must be before createdUntil.")
    return {
        "types": sorted(set(types)),
        "statuses": sorted(set(statuses)),
        "marketplaces": sorted(set(marketplaces)),
        "size": int(size),
        "since": format_datetime(since),
        "until": format_datetime(until),
    }


def get_feed_document(app, request, seller, now, document_id):
    """``getFeedDocument``: ``{feedDocumentId, url, compressionAlgorithm?}``."""
    document = _document_of(app, seller, document_id)
    raw = request.args.get("enableContentEncodingUrlHeader", "false").lower()
    if raw not in ("true", "false"):
        raise invalid_input("enableContentEncodingUrlHeader must be true or false.")
    encoding = raw == "true" and document.gzipped
    url = app.state.feeds.url(_base_url(request), document, "download", now, encoding)
    body = {"feedDocumentId": document.document_id, "url": url}
    if document.gzipped:
        body["compressionAlgorithm"] = "GZIP"
    return 200, body


# ------------------------------------------------- pre-signed URL routes
def _s3_error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
    )
    return Response(body, status=status, content_type="application/xml")


def _presigned(app, request: Request, document_id: str, kind: str, now: datetime):
    """The document a pre-signed URL names, or an S3-like error response."""
    store = app.state.feeds
    expires = request.args.get("expires", "")
    signature = request.args.get("signature", "")
    document = store.documents.get(document_id)
    if document is None:
        return None, _s3_error(404, "NoSuchKey", "The specified key does not exist.")
    if not expires.isdigit() or not hmac.compare_digest(
        signature, store.sign(document_id, int(expires), kind)
    ):
        return None, _s3_error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature "
            "you provided.",
        )
    if now.timestamp() > int(expires):
        return None, _s3_error(403, "AccessDenied", "Request has expired")
    return document, None


def upload(app, request: Request, document_id: str):
    """``PUT /_sandbox/uploads/<id>``: store a feed document's content.

    Returns ``(response, sellerId)`` for the call log.
    """
    now = app.clock.now()
    document, error = _presigned(app, request, document_id, "upload", now)
    if error is not None:
        return error, None
    if document.is_result:
        return _s3_error(403, "AccessDenied", "Access Denied"), document.seller_id
    if _normal_type(request.headers.get("Content-Type")) != _normal_type(
        document.content_type
    ):
        return _s3_error(
            403,
            "SignatureDoesNotMatch",
            f"Content-Type must be {document.content_type!r} as declared in "
            "createFeedDocument.",
        ), document.seller_id
    document.content = request.get_data()
    return Response("", status=200), document.seller_id


def download(app, request: Request, document_id: str):
    """``GET /_sandbox/documents/<id>``: a document's content (gzip if stored so).

    Returns ``(response, sellerId)`` for the call log.
    """
    now = app.clock.now()
    document, error = _presigned(app, request, document_id, "download", now)
    if error is not None:
        return error, None
    response = Response(document.content or b"", status=200)
    response.headers["Content-Type"] = document.content_type
    if document.gzipped and request.args.get("contentEncoding") == "gzip":
        response.headers["Content-Encoding"] = "gzip"
    return response, document.seller_id


# --------------------------------------------------------------- processing
def start(feed: Feed) -> None:
    """IN_QUEUE -> IN_PROGRESS at ``feed.start_at``."""
    feed.json["processingStatus"] = "IN_PROGRESS"
    feed.json["processingStartTime"] = format_datetime(feed.start_at)


def finish(state, feed: Feed) -> None:
    """IN_PROGRESS -> DONE/FATAL at ``feed.done_at``: apply it, store the report."""
    from .feed_processing import process

    status, report, content_type = process(state, feed, feed.done_at)
    store = state.feeds
    seller = state.sellers.get(feed.seller_id)
    document = store.new_document(
        feed.seller_id,
        content_type,
        feed.done_at,
        region=_region(seller) if seller else "na",
        is_result=True,
    )
    if store.gzip_results:
        document.content = gzip.compress(report, mtime=0)
        document.gzipped = True
    else:
        document.content = report
    feed.json["processingStatus"] = status
    feed.json["processingEndTime"] = format_datetime(feed.done_at)
    feed.json["resultFeedDocumentId"] = document.document_id


def advance(state, feed: Feed) -> None:
    """Make ``feed``'s next transition."""
    if feed.status == "IN_QUEUE":
        start(feed)
    else:
        finish(state, feed)


def result_content(document: FeedDocument) -> bytes:
    """A document's content, gunzipped when stored compressed."""
    data = document.content or b""
    return gzip.decompress(data) if document.gzipped else data
