"""The Amazon Selling Partner API adapter: the only import of python-amazon-sp-api.

The rest of the addon talks to Amazon through :class:`SpApiClient`, which knows
nothing of the ORM: it takes plain :class:`AmazonCredentials` (built by the
account model from ``_get_credentials()``) and returns plain dicts and
dataclasses. It owns, for one account:

- **endpoints**: the region's production endpoint (``const.REGION_ENDPOINTS``) or
  the account's override (the local sandbox), set on each library client after
  construction, and the Login with Amazon (LWA) token URL (``const.LWA_TOKEN_URL``
  or ``<override>/auth/o2/token``) given to an ``AccessTokenClient`` subclass
  (``../shared/docs/sp-api-brief.md`` §12);
- **LWA access tokens**: cached here per (account, endpoint) in a
  :class:`TokenCache` that honours ``expires_in`` on the injected clock. The
  library's own module-global cache (``sp_api.auth.access_token_client.cache``,
  keyed by refresh token, 3200 s TTL whatever ``expires_in`` says, shared by the
  whole process) is *bypassed*, not cleared: our ``AccessTokenClient`` subclass
  overrides ``get_auth()`` to hand the library the token this adapter already
  holds, so the library never reads nor writes its cache for our accounts. A 403
  saying the token expired or is invalid drops our cached token and retries once
  with a new one;
- **rate limiting**: a token bucket per (account, operation), seeded with
  Amazon's default usage plan (:data:`USAGE_PLANS`) and updated from the
  ``x-amzn-RateLimit-Limit`` header; a call waits for its token (injected clock
  and sleep) instead of getting a 429;
- **retries** (tenacity): 429, 500, 502, 503, 504, timeouts and connection
  errors, exponential backoff with jitter, bounded by ``max_attempts`` and a
  total of ``max_wait`` seconds; then the project exception is raised;
- **error translation** into ``exceptions.py`` (Amazon's code, message and
  ``x-amzn-RequestId``);
- **a call log** (:class:`CallLog`): requests per operation, retries, throttles.

Every call goes through one seam, :meth:`SpApiClient._call`.

Secrets, tokens and buyer data are never logged. The library logs the request
headers, access token included, at DEBUG (``sp_api.base.client``): its loggers
are set to INFO here and get a filter that drops their DEBUG records, so even a
``--log-handler=sp_api:DEBUG`` cannot make them print a token.

The library's process-wide switches are neutralised: ``AWS_ENV=SANDBOX`` only
changes the endpoints we overwrite anyway; ``SP_API_DEFAULT_MARKETPLACE`` only
changes the marketplace the library adds to queries we give marketplaces
ourselves; credentials come from code only (no environment variables, config
file or AWS secret is read).

Plain ``http://`` endpoints (the sandbox) work: the library computes the Host
header as ``endpoint[8:]`` (``27.0.0.1:PORT`` for ``http://127.0.0.1:PORT``); the
sandbox does not check it, and httpx still connects to the URL's host.
"""

import gzip
import hashlib
import json
import logging
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from json import JSONDecodeError
from urllib.parse import urlsplit

import httpx
from sp_api.api import Feeds, Inventories, Orders, Sellers
from sp_api.auth import AccessTokenClient, AccessTokenResponse
from sp_api.auth.exceptions import AuthorizationError
from sp_api.base import Marketplaces, SellingApiException
from sp_api.base._transport_httpx import HttpxTransport
from sp_api.base.credential_provider import FromCodeCredentialProvider
from tenacity import Retrying, retry_if_exception, wait_exponential, wait_random

from .. import const
from ..exceptions import (
    AmazonApiError,
    AmazonAuthError,
    AmazonInvalidInputError,
    AmazonNotFoundError,
    AmazonServerError,
    AmazonThrottledError,
)
from ..utils import format_amazon_datetime, parse_amazon_datetime

_logger = logging.getLogger(__name__)

# Default usage plans (rate in requests per second, burst), by operationId.
# Source: the "Usage Plan" table in each operation's description in Amazon's models
# (amzn/selling-partner-api-models @ 34dc93fe, 2026-08-05), summarised in
# ../shared/docs/sp-api-brief.md §9. Amazon may grant a seller more: the bucket's
# rate follows the x-amzn-RateLimit-Limit header of each answer.
USAGE_PLANS = {
    # Orders v2026-01-01
    "searchOrders": (0.0056, 20),
    "getOrder": (0.5, 30),
    # Orders v0
    "getOrders": (0.0167, 20),
    "getOrderItems": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "getOrderBuyerInfo": (0.5, 30),
    "getOrderItemsBuyerInfo": (0.5, 30),
    "getOrderRegulatedInfo": (0.5, 30),
    "updateVerificationStatus": (0.5, 30),
    "updateShipmentStatus": (5.0, 15),
    "confirmShipment": (2.0, 10),
    # Tokens
    "createRestrictedDataToken": (1.0, 10),
    # Feeds 2021-06-30
    "createFeedDocument": (0.5, 15),
    "createFeed": (0.0083, 15),
    "getFeed": (2.0, 15),
    "cancelFeed": (2.0, 15),
    "getFeeds": (0.0222, 10),
    "getFeedDocument": (0.0222, 10),
    # Pre-signed feed document URLs (Amazon S3): no SP-API usage plan; a generous
    # local bucket so that a burst of transfers is not throttled by our own limiter.
    "uploadFeedDocument": (10.0, 50),
    "downloadFeedDocument": (10.0, 50),
    # Reports 2021-06-30
    "createReport": (0.0167, 15),
    "getReport": (2.0, 15),
    "getReports": (0.0222, 10),
    "cancelReport": (0.0222, 10),
    "getReportDocument": (0.0167, 15),
    # Sellers v1
    "getMarketplaceParticipations": (0.016, 15),
    "getAccount": (0.016, 15),
    # FBA Inventory v1
    "getInventorySummaries": (2.0, 2),
    # Listings Items 2021-08-01
    "getListingsItem": (5.0, 10),
    "putListingsItem": (5.0, 10),
    "patchListingsItem": (5.0, 5),
    "deleteListingsItem": (5.0, 5),
    "searchListingsItems": (5.0, 5),
}
# An operation missing above: a cautious plan until Amazon's header tells the rate.
DEFAULT_USAGE_PLAN = (0.5, 5)

# The library needs a marketplace to build a client: it only serves as the
# library's default endpoint (always overwritten) and default marketplace (the
# adapter always sends marketplaces explicitly).
REGION_MARKETPLACES = {
    "NA": Marketplaces.US,
    "EU": Marketplaces.DE,
    "FE": Marketplaces.JP,
}

# Flat-file feeds are tab-separated UTF-8 text.
TSV_CONTENT_TYPE = "text/tab-separated-values; charset=UTF-8"
# JSON feeds (JSON_LISTINGS_FEED) are UTF-8 JSON documents.
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
LISTINGS_FEED_TYPE = "JSON_LISTINGS_FEED"

# getInventorySummaries pagination guard: 2,000 pages of 50 summaries.
MAX_INVENTORY_PAGES = 2000

LWA_TOKEN_PATH = "/auth/o2/token"
LWA_OPERATION = "lwaToken"
# An access token is used until this many seconds before Amazon's expires_in.
TOKEN_EXPIRY_MARGIN = 60
DEFAULT_TOKEN_LIFETIME = 3600

# Retried HTTP statuses (with timeouts and connection errors).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
BACKOFF_MULTIPLIER = 1.0  # seconds: waits of 1, 2, 4, 8... (+ jitter)
BACKOFF_MAX = 60.0  # seconds: longest single backoff
BACKOFF_JITTER = 1.0  # seconds: uniform random jitter added to each wait

# searchOrders pagination guard: 1,000 pages of 100 orders.
MAX_ORDER_PAGES = 1000
# How often a page token may come back before the pagination is a loop: Amazon
# may serve a page again (same next token once); twice more is a loop.
MAX_TOKEN_REPEATS = 1

# Messages of Amazon's 403 "Unauthorized" that mean a new LWA token will help
# (brief §10 and the sandbox README): checked in message + details, lower case.
TOKEN_ERROR_HINTS = (
    "access token you provided has expired",
    "access token you provided is revoked, malformed or invalid",
    "token has expired",
    "token is expired",
    "invalid token",
)

# The library's loggers that log request headers (with the access token).
LIBRARY_LOGGERS = (
    "sp_api",
    "sp_api.base.client",
    "sp_api.auth.access_token_client",
    "sp_api.asyncio.base.client",
    "sp_api.asyncio.auth.access_token_client",
)


class _NoDebugFilter(logging.Filter):
    """Drop the records below INFO of a library logger (they carry headers)."""

    def filter(self, record):
        """Keep INFO and above only."""
        return record.levelno >= logging.INFO


def _silence_library_debug():
    """Keep python-amazon-sp-api from logging headers at DEBUG: level INFO on its
    loggers, and a filter that drops DEBUG records logged on them even if someone
    sets their level back to DEBUG (Odoo's ``--log-handler``)."""
    for name in LIBRARY_LOGGERS:
        library_logger = logging.getLogger(name)
        if library_logger.level < logging.INFO:
            library_logger.setLevel(logging.INFO)
        if not any(isinstance(f, _NoDebugFilter) for f in library_logger.filters):
            library_logger.addFilter(_NoDebugFilter())


_silence_library_debug()


# === PLAIN DATA === #


@dataclass(frozen=True)
class AmazonCredentials:
    """What the adapter needs to call Amazon for one seller account.

    Built by the account model from ``_get_credentials()``; the secrets are left
    out of ``repr()`` so the object can appear in a log or a traceback.

    :param str account_key: a stable key of the account in this database (e.g.
        ``"amazon.account,7"``); the token cache and the rate limiter are keyed
        by it.
    :param str lwa_app_id: the LWA client id of the SP-API application.
    :param str lwa_client_secret: the LWA client secret.
    :param str refresh_token: the seller's refresh token (``Atzr|...``).
    :param str region: ``NA``, ``EU`` or ``FE`` (``const.REGION_ENDPOINTS``).
    :param str seller_id: the seller's merchant token.
    :param str endpoint: a base URL replacing the region's SP-API endpoint and the
        LWA endpoint (the local sandbox, ``http://127.0.0.1:PORT``), or ``None``.
    """

    account_key: str
    lwa_app_id: str
    lwa_client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    region: str
    seller_id: str
    endpoint: str | None = None


@dataclass
class OrdersPage:
    """One page of Orders v2026-01-01 ``searchOrders``.

    :param list orders: the ``Order`` objects, as Amazon sends them (camelCase
        dicts, ISO 8601 strings, money as ``{"amount": "12.34", ...}``).
    :param str next_token: the ``paginationToken`` of the next page, or ``None``
        on the last page (tokens live 24 h).
    :param datetime last_updated_before: Amazon's echo of the window's end
        (naive UTC) when the search is by ``lastUpdated*``, else ``None``.
    :param datetime created_before: the same for a search by ``created*``.
    :param str request_id: the ``x-amzn-RequestId`` of the answer.
    """

    orders: list
    next_token: str | None
    last_updated_before: datetime | None
    created_before: datetime | None
    request_id: str | None


# === PROCESS-LEVEL STATE === #


@dataclass
class _CachedToken:
    value: str = field(repr=False)
    fingerprint: str = field(repr=False)
    expires_at: float


class TokenCache:
    """LWA access tokens per (account key, endpoint), with their expiry.

    Times are read on the clock of the caller (``time.monotonic`` in
    production). A token is stored with the fingerprint of the credentials that
    obtained it, so a new refresh token or client secret never reuses the old
    token. Thread-safe; one process-level instance (:data:`TOKEN_CACHE`) serves
    every account.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}

    def get(self, key, fingerprint, now):
        """Return the cached token of ``key`` if it was obtained with the same
        credentials and is still valid at ``now``, else ``None``."""
        with self._lock:
            entry = self._tokens.get(key)
            if entry is None:
                return None
            if entry.fingerprint != fingerprint or now >= entry.expires_at:
                del self._tokens[key]
                return None
            return entry.value

    def set(self, key, fingerprint, token, expires_at):
        """Store ``token`` for ``key`` until ``expires_at`` (caller's clock)."""
        with self._lock:
            self._tokens[key] = _CachedToken(token, fingerprint, expires_at)

    def drop(self, key, token=None):
        """Forget the token of ``key`` (only if it is ``token``, when given: a
        token another thread already renewed is kept)."""
        with self._lock:
            entry = self._tokens.get(key)
            if entry is not None and (token is None or entry.value == token):
                del self._tokens[key]

    def clear(self):
        """Forget every token."""
        with self._lock:
            self._tokens.clear()

    def __len__(self):
        return len(self._tokens)


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    updated: float

    def refill(self, now):
        if now > self.updated:
            self.tokens = min(
                self.burst, self.tokens + (now - self.updated) * self.rate
            )
            self.updated = now


class RateLimiter:
    """Token buckets per (account key, operation), as Amazon's usage plans.

    A bucket starts full (``burst`` tokens) and refills at ``rate`` tokens per
    second; each call takes one. When the bucket is empty the token is reserved
    ahead (the count goes negative) and the caller is told how long to wait, so
    concurrent callers queue up instead of spinning. Times are read on the
    caller's clock. Thread-safe; one process-level instance
    (:data:`RATE_LIMITER`) serves every account.

    :param dict usage_plans: ``{operation: (rate, burst)}``, default
        :data:`USAGE_PLANS`.
    """

    def __init__(self, usage_plans=None):
        self.usage_plans = dict(USAGE_PLANS if usage_plans is None else usage_plans)
        self._lock = threading.Lock()
        self._buckets = {}

    def _bucket(self, key, operation, now):
        bucket = self._buckets.get((key, operation))
        if bucket is None:
            rate, burst = self.usage_plans.get(operation, DEFAULT_USAGE_PLAN)
            bucket = _Bucket(rate=rate, burst=burst, tokens=burst, updated=now)
            self._buckets[(key, operation)] = bucket
        bucket.refill(now)
        return bucket

    def reserve(self, key, operation, now, max_wait=None):
        """Take a token for one call of ``operation``.

        :return: the seconds to wait before calling (0 when a token is there),
            or ``None`` when that wait would exceed ``max_wait`` (nothing is
            reserved then).
        :rtype: float
        """
        with self._lock:
            bucket = self._bucket(key, operation, now)
            wait = 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / bucket.rate
            if max_wait is not None and wait > max_wait:
                return None
            bucket.tokens -= 1
            return wait

    def set_rate(self, key, operation, rate, now):
        """Use ``rate`` (requests per second, e.g. from ``x-amzn-RateLimit-Limit``)
        for the bucket of ``operation`` from ``now`` on; the burst is kept."""
        if not rate or rate <= 0:
            return
        with self._lock:
            bucket = self._bucket(key, operation, now)
            bucket.rate = rate

    def rate(self, key, operation):
        """The current rate of a bucket (``None`` if it was never used)."""
        bucket = self._buckets.get((key, operation))
        return bucket.rate if bucket else None

    def available(self, key, operation, now):
        """The tokens in a bucket at ``now`` (negative: calls queued)."""
        with self._lock:
            return self._bucket(key, operation, now).tokens

    def clear(self):
        """Forget every bucket (they start full again)."""
        with self._lock:
            self._buckets.clear()


class CallLog:
    """What an adapter did, for the caller's records ("API calls" of a sync run).

    - ``calls``: HTTP requests sent per operation (retries included; the LWA
      token requests are counted under ``"lwaToken"``);
    - ``retries``: requests sent again after a retryable failure;
    - ``throttled``: 429 answers received;
    - ``refused``: calls the rate limiter refused to wait for (the next token was
      further away than ``max_wait``): no request was sent, so they are neither in
      ``calls`` nor in ``throttled``;
    - ``token_refreshes``: tokens dropped after a 403 and obtained again;
    - ``waited``: seconds slept (rate limiter and backoff).

    Share one instance between adapters to sum them. Thread-safe.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.calls = Counter()
        self.retries = 0
        self.throttled = 0
        self.refused = 0
        self.token_refreshes = 0
        self.waited = 0.0

    def _add(self, name, value=1):
        with self._lock:
            setattr(self, name, getattr(self, name) + value)

    def count_call(self, operation):
        """Count one request sent for ``operation``."""
        with self._lock:
            self.calls[operation] += 1

    def total(self):
        """The number of HTTP requests sent, all operations together."""
        with self._lock:
            return sum(self.calls.values())

    def as_dict(self):
        """A JSON-serialisable summary."""
        with self._lock:
            return {
                "calls": dict(self.calls),
                "total": sum(self.calls.values()),
                "retries": self.retries,
                "throttled": self.throttled,
                "refused": self.refused,
                "token_refreshes": self.token_refreshes,
                "waited": round(self.waited, 3),
            }


#: The process-level token cache and rate limiter (Odoo workers are processes:
#: each has its own, like Amazon's per-application limits would want).
TOKEN_CACHE = TokenCache()
RATE_LIMITER = RateLimiter()


# === TRANSPORT AND LWA GLUE === #


class _HttpError(Exception):
    """An SP-API answer with an error status, or a body that is not JSON.

    :param int status: the HTTP status.
    :param headers: the answer's headers.
    :param list errors: Amazon's ``errors`` list (``[]`` when the body had none).
    :param str reason: what went wrong when there is no Amazon error.
    """

    def __init__(self, status, headers, errors, reason):
        super().__init__(reason)
        self.status = status
        self.headers = headers
        self.errors = errors
        self.reason = reason


class _CheckedTransport(HttpxTransport):
    """The library's httpx transport, raising :class:`_HttpError` itself.

    python-amazon-sp-api raises only when a body has a non-empty ``errors`` key
    (an empty or truncated 5xx/429 would come back as an empty success), and maps
    statuses it does not know (401, 502...) to a class without the status. So
    every answer of status 400 or more, and every body that is not JSON, is turned
    into an :class:`_HttpError` here, with the exact status, before the library
    parses it.
    """

    def request(self, method, url, **kwargs):
        """Send the request; raise :class:`_HttpError` for an error answer."""
        response = super().request(method, url, **kwargs)
        try:
            data = response.json() if response.content.strip() else None
        except (JSONDecodeError, UnicodeDecodeError, ValueError):
            raise _HttpError(
                response.status_code,
                response.headers,
                [],
                "The answer is not valid JSON.",
            ) from None
        if response.status_code >= 400:
            errors = data.get("errors") if isinstance(data, dict) else None
            raise _HttpError(
                response.status_code,
                response.headers,
                [e for e in errors or [] if isinstance(e, dict)],
                response.reason_phrase or "Error",
            )
        return response


def _token_client_class(adapter):
    """An ``AccessTokenClient`` subclass bound to ``adapter``: scheme, host and
    path from its LWA URL, our timeout, and ``get_auth()`` answering with the
    adapter's own cached token (the library's module-global cache is never
    used)."""
    url = urlsplit(adapter.token_url)

    class AdapterAccessTokenClient(AccessTokenClient):
        scheme = f"{url.scheme}://"
        host = url.netloc
        path = url.path or LWA_TOKEN_PATH

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._transport.close()
            self._transport = HttpxTransport(
                timeout=adapter.timeout, proxies=self.proxies, verify=self.verify
            )

        @property
        def token_url(self):
            """The LWA token endpoint this client posts to."""
            return self.scheme + self.host + self.path

        def fetch(self):
            """POST the refresh-token grant; return LWA's JSON answer."""
            return self._request(self.token_url, self.data, self.headers)

        def get_auth(self):
            """The adapter's token (cached, or obtained now); the library's
            module-global cache is neither read nor written."""
            return AccessTokenResponse(access_token=adapter._ensure_token())

    return AdapterAccessTokenClient


@dataclass
class _CallState:
    start: float
    attempts: int = 0
    token_renewed: bool = False


def request_sent(error):
    """Whether the call that failed with ``error`` reached Amazon: ``False`` when
    the rate limiter refused to wait for it (code ``RateLimited``, no request sent,
    ``attempts`` 0), so that a caller counts no attempt and nothing sent. An error
    that did not come from the adapter counts as sent."""
    return getattr(error, "attempts", None) != 0


def _is_transient(error):
    return isinstance(error, AmazonApiError) and getattr(error, "_transient", False)


def _header(headers, name):
    if not headers:
        return None
    try:
        return headers.get(name)
    except AttributeError:
        return None


def _error_class(status):
    if status in (401, 403):
        return AmazonAuthError
    if status == 404:
        return AmazonNotFoundError
    if status == 429:
        return AmazonThrottledError
    if status is not None and status >= 500:
        return AmazonServerError
    if status is not None and 400 <= status < 500:
        return AmazonInvalidInputError
    return AmazonApiError


def _make_error(cls, message, *, code, status, request_id, operation, transient):
    error = cls(
        message,
        code=code,
        status=status,
        request_id=request_id,
        operation=operation,
    )
    error._transient = transient
    return error


# === THE ADAPTER === #


class SpApiClient:
    """SP-API calls for one seller account, with limits, retries and errors done.

    Not thread-safe: use one instance per thread (they share the process-level
    token cache and rate limiter). Close it (or use it as a context manager) to
    release its HTTP connections.

    :param AmazonCredentials credentials: the account's credentials.
    :param clock: a monotonic clock in seconds (token expiry, rate limiter,
        retry budget).
    :param sleep: the sleep function (rate limiter waits and backoff).
    :param float timeout: HTTP timeout in seconds, per request.
    :param int max_attempts: requests per call at most (first one included).
    :param float max_wait: seconds a call may spend waiting, backoff and rate
        limiter alike; beyond it the call fails.
    :param TokenCache token_cache: default :data:`TOKEN_CACHE`, or a private cache
        when ``clock`` is not ``time.monotonic`` (instants of different clocks must
        not meet).
    :param RateLimiter limiter: default :data:`RATE_LIMITER`, or a private one
        when ``clock`` is not ``time.monotonic``.
    :param CallLog call_log: where to count the calls (default: a new one),
        readable as ``client.call_log``.
    """

    def __init__(
        self,
        credentials,
        *,
        clock=time.monotonic,
        sleep=time.sleep,
        timeout=30,
        max_attempts=5,
        max_wait=120,
        token_cache=None,
        limiter=None,
        call_log=None,
    ):
        if credentials.region not in const.REGION_ENDPOINTS:
            raise ValueError(f"Unknown SP-API region {credentials.region!r}")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.credentials = credentials
        self.clock = clock
        self.sleep = sleep
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        shared = clock is time.monotonic
        if token_cache is None:
            token_cache = TOKEN_CACHE if shared else TokenCache()
        if limiter is None:
            limiter = RATE_LIMITER if shared else RateLimiter()
        self.token_cache = token_cache
        self.limiter = limiter
        self.call_log = call_log if call_log is not None else CallLog()
        if credentials.endpoint:
            self.endpoint = credentials.endpoint.rstrip("/")
            self.token_url = self.endpoint + LWA_TOKEN_PATH
        else:
            self.endpoint = const.REGION_ENDPOINTS[credentials.region]
            self.token_url = const.LWA_TOKEN_URL
        self._token_key = (credentials.account_key, self.endpoint)
        self._fingerprint = hashlib.sha256(
            "\0".join(
                (
                    credentials.lwa_app_id or "",
                    credentials.lwa_client_secret or "",
                    credentials.refresh_token or "",
                )
            ).encode()
        ).hexdigest()
        self._token_client_cls = _token_client_class(self)
        self._token_client = None
        self._apis = {}
        self._transfer_client = None

    def __repr__(self):
        return (
            f"<SpApiClient {self.credentials.account_key} "
            f"{self.credentials.seller_id} {self.endpoint}>"
        )

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the HTTP connections of the library clients built so far."""
        for api in self._apis.values():
            api.close()
        self._apis.clear()
        if self._transfer_client is not None:
            self._transfer_client.close()
            self._transfer_client = None
        if self._token_client is not None:
            self._token_client._transport.close()
            self._token_client = None

    # --- library clients --------------------------------------------------- #

    def _library_credentials(self):
        return {
            "lwa_app_id": self.credentials.lwa_app_id,
            "lwa_client_secret": self.credentials.lwa_client_secret,
            "refresh_token": self.credentials.refresh_token,
        }

    def _api(self, name):
        """The library client ``name`` (built once): ``sellers``, ``orders``
        (Orders v2026-01-01), ``orders_v0``, ``feeds`` (Feeds 2021-06-30) or
        ``inventory`` (FBA Inventory v1)."""
        api = self._apis.get(name)
        if api is None:
            cls, kwargs = {
                "sellers": (Sellers, {}),
                "orders": (Orders, {"version": "2026-01-01"}),
                "orders_v0": (Orders, {"version": "v0"}),
                "feeds": (Feeds, {"version": "2021-06-30"}),
                "inventory": (Inventories, {}),
            }[name]
            api = cls(
                REGION_MARKETPLACES[self.credentials.region],
                credentials=self._library_credentials(),
                credential_providers=(FromCodeCredentialProvider,),
                auth_token_client_class=self._token_client_cls,
                timeout=self.timeout,
                **kwargs,
            )
            api.endpoint = self.endpoint
            api._transport.close()
            api._transport = _CheckedTransport(timeout=self.timeout)
            self._apis[name] = api
        return api

    # --- LWA tokens -------------------------------------------------------- #

    def _ensure_token(self):
        """Return a valid access token: the cached one, or a new one from LWA.

        :raise AmazonAuthError: LWA refused the credentials (``invalid_grant``...).
        :raise AmazonThrottledError: LWA answered 429 (retryable).
        :raise AmazonServerError: LWA failed, timed out or was unreachable.
        """
        token = self.token_cache.get(self._token_key, self._fingerprint, self.clock())
        if token:
            return token
        if self._token_client is None:
            self._token_client = self._token_client_cls(
                credentials=_LibraryCredentials(self.credentials)
            )
        self.call_log.count_call(LWA_OPERATION)
        requested = self.clock()
        try:
            answer = self._token_client.fetch()
        except AuthorizationError as error:
            status = error.status_code
            cls = AmazonAuthError
            if status == 429:
                cls = AmazonThrottledError
            elif status and status >= 500:
                cls = AmazonServerError
            raise _make_error(
                cls,
                error.message or "Login with Amazon refused the credentials.",
                code=error.error_code,
                status=status,
                request_id=None,
                operation=LWA_OPERATION,
                transient=status in RETRY_STATUSES,
            ) from None
        except httpx.TimeoutException:
            raise self._transport_error(LWA_OPERATION, "Timeout") from None
        except httpx.TransportError:
            raise self._transport_error(LWA_OPERATION, "ConnectionError") from None
        except ValueError:  # not JSON
            raise _make_error(
                AmazonServerError,
                "Login with Amazon sent an answer that is not JSON.",
                code="MalformedResponse",
                status=None,
                request_id=None,
                operation=LWA_OPERATION,
                transient=True,
            ) from None
        token = answer.get("access_token")
        if not token:
            raise _make_error(
                AmazonAuthError,
                "Login with Amazon answered without an access token.",
                code=None,
                status=200,
                request_id=None,
                operation=LWA_OPERATION,
                transient=False,
            )
        try:
            lifetime = float(answer.get("expires_in") or DEFAULT_TOKEN_LIFETIME)
        except (TypeError, ValueError):
            lifetime = DEFAULT_TOKEN_LIFETIME
        margin = min(TOKEN_EXPIRY_MARGIN, lifetime / 2)
        self.token_cache.set(
            self._token_key, self._fingerprint, token, requested + lifetime - margin
        )
        _logger.info(
            "Amazon account %s: new LWA access token (valid %d s)",
            self.credentials.account_key,
            lifetime,
        )
        return token

    # --- the seam ---------------------------------------------------------- #

    def _call(self, operation, func, *args, **kwargs):
        """Call ``func(*args, **kwargs)`` (a library method) as Amazon's
        ``operation``: rate limiter, LWA token, retries, error translation and
        call log.

        :return: the library's ``ApiResponse``.
        :raise AmazonApiError: a subclass, see ``exceptions.py``.
        """
        state = _CallState(start=self.clock())
        retrying = Retrying(
            sleep=self._backoff_sleep,
            stop=lambda retry_state: self._should_stop(state, retry_state),
            wait=wait_exponential(multiplier=BACKOFF_MULTIPLIER, max=BACKOFF_MAX)
            + wait_random(0, BACKOFF_JITTER),
            retry=retry_if_exception(_is_transient),
            before_sleep=lambda retry_state: self._before_retry(operation, retry_state),
            reraise=True,
        )
        try:
            return retrying(self._attempt, operation, func, args, kwargs, state)
        except AmazonApiError as error:
            error.attempts = state.attempts
            # an unknown order or a refused input is the caller's business; Amazon
            # failing, throttling or refusing the credentials is worth a warning
            quiet = isinstance(error, (AmazonNotFoundError, AmazonInvalidInputError))
            _logger.log(
                logging.INFO if quiet else logging.WARNING,
                "Amazon account %s: %s failed: %s",
                self.credentials.account_key,
                operation,
                error,
            )
            raise

    def _should_stop(self, state, retry_state):
        if retry_state.attempt_number >= self.max_attempts:
            return True
        spent = max(self.clock() - state.start, retry_state.idle_for)
        return spent + retry_state.upcoming_sleep > self.max_wait

    def _backoff_sleep(self, seconds):
        self.call_log._add("waited", seconds)
        self.sleep(seconds)

    def _before_retry(self, operation, retry_state):
        self.call_log._add("retries")
        error = retry_state.outcome.exception()
        _logger.info(
            "Amazon account %s: %s answered %s (request id %s); attempt %d/%d in "
            "%.1f s",
            self.credentials.account_key,
            operation,
            error.status or error.code,
            error.request_id,
            retry_state.attempt_number + 1,
            self.max_attempts,
            retry_state.upcoming_sleep,
        )

    def _acquire(self, operation, state):
        """Wait for a token of the operation's bucket (injected clock and sleep).

        :raise AmazonThrottledError: (not retried) the wait would exceed what is
            left of ``max_wait`` for this call.
        """
        remaining = self.max_wait - (self.clock() - state.start)
        wait = self.limiter.reserve(
            self.credentials.account_key,
            operation,
            self.clock(),
            max_wait=max(remaining, 0),
        )
        if wait is None:
            self.call_log._add("refused")
            raise _make_error(
                AmazonThrottledError,
                "The usage plan of this operation leaves no call before the "
                f"{self.max_wait:g} s wait limit; try again later.",
                code="RateLimited",
                status=None,
                request_id=None,
                operation=operation,
                transient=False,
            )
        if wait > 0:
            _logger.debug(
                "Amazon account %s: %s waits %.1f s for its rate limit",
                self.credentials.account_key,
                operation,
                wait,
            )
            self.call_log._add("waited", wait)
            self.sleep(wait)

    def _attempt(self, operation, func, args, kwargs, state):
        """One attempt: rate limiter, token, request; one more request with a new
        token when Amazon says the token expired. ``state.attempts`` counts the
        attempts that got past the rate limiter (a request was sent)."""
        self._acquire(operation, state)
        state.attempts += 1
        while True:
            token = self._ensure_token()
            self.call_log.count_call(operation)
            try:
                response = func(*args, **kwargs)
            except (SellingApiException, _HttpError, httpx.HTTPError) as error:
                translated = self._translate(operation, error)
                if translated.status == 429:
                    self.call_log._add("throttled")
                if (
                    isinstance(translated, AmazonAuthError)
                    and _is_token_error(error)
                    and not state.token_renewed
                ):
                    state.token_renewed = True
                    self.token_cache.drop(self._token_key, token)
                    self.call_log._add("token_refreshes")
                    _logger.info(
                        "Amazon account %s: %s: access token refused (%s), "
                        "getting a new one",
                        self.credentials.account_key,
                        operation,
                        translated.request_id,
                    )
                    continue
                raise translated from None
            break
        self._follow_rate_limit(operation, response)
        return response

    def _follow_rate_limit(self, operation, response):
        header = _header(getattr(response, "headers", None), "x-amzn-RateLimit-Limit")
        if not header:
            return
        try:
            rate = float(header)
        except ValueError:
            return
        self.limiter.set_rate(
            self.credentials.account_key, operation, rate, self.clock()
        )

    def _transport_error(self, operation, code):
        message = {
            "Timeout": f"Amazon did not answer within {self.timeout:g} s.",
            "ConnectionError": "Amazon could not be reached.",
        }[code]
        return _make_error(
            AmazonServerError,
            message,
            code=code,
            status=None,
            request_id=None,
            operation=operation,
            transient=True,
        )

    def _translate(self, operation, error):
        """The project exception for a transport, HTTP or library error."""
        if isinstance(error, httpx.TimeoutException):
            return self._transport_error(operation, "Timeout")
        if isinstance(error, httpx.HTTPError):
            return self._transport_error(operation, "ConnectionError")
        if isinstance(error, _HttpError):
            status, headers, errors = error.status, error.headers, error.errors
        else:  # SellingApiException: not expected, our transport raises first
            status = error.code if error.code != 999 else None
            headers = getattr(error, "headers", None)
            errors = [e for e in getattr(error, "error", None) or [] if e]
        request_id = _header(headers, "x-amzn-RequestId")
        if status is not None and status < 400:
            return _make_error(
                AmazonServerError,
                f"Amazon's answer could not be read: {error}",
                code="MalformedResponse",
                status=status,
                request_id=request_id,
                operation=operation,
                transient=True,
            )
        first = errors[0] if errors else {}
        message = first.get("message") or f"Amazon answered HTTP {status}."
        if first.get("details"):
            message = f"{message} {first['details']}"
        return _make_error(
            _error_class(status),
            message,
            code=first.get("code"),
            status=status,
            request_id=request_id,
            operation=operation,
            transient=status in RETRY_STATUSES,
        )

    # --- operations -------------------------------------------------------- #

    def get_marketplace_participations(self):
        """Sellers v1 ``getMarketplaceParticipations``: the seller's marketplaces.

        :return: the ``payload`` list, one dict per marketplace:
            ``{"marketplace": {"id", "name", "countryCode",
            "defaultCurrencyCode", "defaultLanguageCode", "domainName"},
            "participation": {"isParticipating", "hasSuspendedListings"},
            "storeName"}``.
        :rtype: list[dict]
        :raise AmazonAuthError: credentials refused.
        :raise AmazonThrottledError: still throttled after the retries.
        :raise AmazonServerError: Amazon failed or did not answer.
        :raise AmazonApiError: any other error.
        """
        api = self._api("sellers")
        response = self._call(
            "getMarketplaceParticipations", api.get_marketplace_participation
        )
        return list(response.payload or [])

    def search_orders(
        self,
        *,
        last_updated_after=None,
        last_updated_before=None,
        created_after=None,
        created_before=None,
        marketplace_ids,
        fulfillment_statuses=None,
        fulfilled_by=None,
        included_data=(),
        max_results_per_page=100,
        pagination_token=None,
    ):
        """Orders v2026-01-01 ``searchOrders``: one page of orders.

        Give exactly one of ``last_updated_after`` and ``created_after``; the
        "before" bound must be at least 2 minutes in the past (Amazon uses now − 2
        min when it is left out, and echoes it). To read the next page pass the
        previous page's ``next_token`` as ``pagination_token`` with the *same*
        other arguments (``max_results_per_page`` and ``included_data`` may
        change), as Amazon requires.

        :param datetime last_updated_after: naive UTC; orders updated at or after.
        :param datetime last_updated_before: naive UTC, optional.
        :param datetime created_after: naive UTC; orders created at or after.
        :param datetime created_before: naive UTC, optional.
        :param list marketplace_ids: Amazon marketplace ids (at most 50).
        :param list fulfillment_statuses: e.g. ``["UNSHIPPED", "SHIPPED"]``.
        :param list fulfilled_by: ``["MERCHANT"]``, ``["AMAZON"]`` or both.
        :param list included_data: datasets (``BUYER``, ``RECIPIENT``,
            ``PROCEEDS``, ``EXPENSE``, ``PROMOTION``, ``CANCELLATION``,
            ``FULFILLMENT``, ``PACKAGES``...).
        :param int max_results_per_page: 1 to 100.
        :param str pagination_token: the ``next_token`` of the previous page.
        :return: the page; orders are Amazon's ``Order`` dicts (dates as ISO 8601
            strings, money as Decimal strings).
        :rtype: OrdersPage
        :raise ValueError: neither or both of the "after" bounds are given.
        :raise AmazonInvalidInputError: Amazon refused the query (400), e.g. a
            bound closer than 2 minutes to now or an expired page token. Amazon's
            message does not say which ("The input you have submitted is not
            valid"): :meth:`search_orders_bound` tells whether an "after" bound is
            too recent.
        :raise AmazonAuthError, AmazonThrottledError, AmazonServerError: see
            :meth:`get_marketplace_participations`.
        """
        params = self._search_params(
            last_updated_after=last_updated_after,
            last_updated_before=last_updated_before,
            created_after=created_after,
            created_before=created_before,
            marketplace_ids=marketplace_ids,
            fulfillment_statuses=fulfillment_statuses,
            fulfilled_by=fulfilled_by,
            included_data=included_data,
            max_results_per_page=max_results_per_page,
        )
        if pagination_token:
            params["paginationToken"] = pagination_token
        api = self._api("orders")
        response = self._call("searchOrders", api.search_orders, **params)
        payload = response.payload or {}
        # the library's ApiResponse keeps "pagination" apart from the payload
        pagination = response.pagination or payload.get("pagination") or {}
        return OrdersPage(
            orders=list(payload.get("orders") or []),
            next_token=pagination.get("nextToken") or None,
            last_updated_before=parse_amazon_datetime(payload.get("lastUpdatedBefore")),
            created_before=parse_amazon_datetime(payload.get("createdBefore")),
            request_id=_header(response.headers, "x-amzn-RequestId"),
        )

    @staticmethod
    def _search_params(
        *,
        last_updated_after,
        last_updated_before,
        created_after,
        created_before,
        marketplace_ids,
        fulfillment_statuses,
        fulfilled_by,
        included_data,
        max_results_per_page,
    ):
        if (last_updated_after is None) == (created_after is None):
            raise ValueError(
                "searchOrders needs exactly one of last_updated_after and "
                "created_after."
            )
        if not marketplace_ids:
            raise ValueError("searchOrders needs at least one marketplace id.")
        params = {"marketplaceIds": list(marketplace_ids)}
        for key, value in (
            ("lastUpdatedAfter", last_updated_after),
            ("lastUpdatedBefore", last_updated_before),
            ("createdAfter", created_after),
            ("createdBefore", created_before),
        ):
            if value is not None:
                params[key] = format_amazon_datetime(value)
        for key, value in (
            ("fulfillmentStatuses", fulfillment_statuses),
            ("fulfilledBy", fulfilled_by),
            ("includedData", included_data),
        ):
            if value:
                params[key] = list(value)
        if max_results_per_page:
            params["maxResultsPerPage"] = int(max_results_per_page)
        return params

    def search_orders_bound(self, *, marketplace_ids, last_updated_after):
        """Amazon's latest ``lastUpdatedBefore``: its now − 2 minutes, as
        ``searchOrders`` echoes it for a query without a "before" bound. Amazon
        refuses a ``lastUpdatedAfter`` later than that instant; its clock, not
        Odoo's, decides (they may differ, and a cursor may be set by hand).

        One ``searchOrders`` call (a page of one order, no dataset).

        :param list marketplace_ids: Amazon marketplace ids.
        :param datetime last_updated_after: naive UTC, a bound Amazon accepts (at
            least 2 minutes before its now).
        :return: naive UTC, or ``None`` when Amazon echoed no bound.
        :rtype: datetime
        :raise AmazonApiError: see :meth:`search_orders`.
        """
        page = self.search_orders(
            last_updated_after=last_updated_after,
            marketplace_ids=marketplace_ids,
            max_results_per_page=1,
        )
        return page.last_updated_before

    def iter_order_pages(
        self, *, pagination_token=None, max_pages=MAX_ORDER_PAGES, **query
    ):
        """Iterate over the pages of a ``searchOrders`` query (see
        :meth:`search_orders` for the arguments), following the next tokens.

        Pages come one at a time, so the caller can commit each page (and keep its
        ``next_token`` to resume) before the next one is requested. An order
        already yielded by this iteration with the same ``lastUpdatedTime`` (a page
        Amazon served twice) is left out of later pages.

        Every page is requested with the same arguments as the first one, as
        Amazon requires with a page token. To resume an iteration later, pass the
        same arguments and the last page's ``next_token``; give an explicit
        "before" bound (at least 2 minutes old) so the window is the same on
        resume.

        :param str pagination_token: resume a previous iteration at this page.
        :param int max_pages: stop with an error after this many pages.
        :return: a generator of :class:`OrdersPage`.
        :raise AmazonApiError: code ``PaginationLoop`` when a page token comes back
            again and again, ``TooManyPages`` after ``max_pages`` pages; and the
            errors of :meth:`search_orders`.
        """
        seen_orders = set()
        sent_tokens = Counter()
        token = pagination_token
        pages = 0
        while True:
            if pages >= max_pages:
                raise AmazonApiError(
                    f"searchOrders gave more than {max_pages} pages; the window is "
                    "too large, read it in smaller windows.",
                    code="TooManyPages",
                    operation="searchOrders",
                )
            if token:
                sent_tokens[token] += 1
            page = self.search_orders(pagination_token=token, **query)
            pages += 1
            fresh = []
            for order in page.orders:
                key = (order.get("orderId"), order.get("lastUpdatedTime"))
                if key not in seen_orders:
                    seen_orders.add(key)
                    fresh.append(order)
            page.orders = fresh
            yield page
            token = page.next_token
            if not token:
                return
            if sent_tokens[token] > MAX_TOKEN_REPEATS:
                raise AmazonApiError(
                    "searchOrders keeps answering with a page token already used: "
                    "the pagination does not move on.",
                    code="PaginationLoop",
                    request_id=page.request_id,
                    operation="searchOrders",
                )

    def get_order(self, order_id, included_data=()):
        """Orders v2026-01-01 ``getOrder``: one order.

        :param str order_id: Amazon's order id (3-7-7 digits).
        :param list included_data: datasets, as for :meth:`search_orders`.
        :return: the ``order`` object (Amazon's ``Order`` dict: dates as ISO 8601
            strings, money as Decimal strings).
        :rtype: dict
        :raise AmazonNotFoundError: no such order for this seller (404).
        :raise AmazonInvalidInputError: a malformed order id or dataset (400).
        :raise AmazonAuthError, AmazonThrottledError, AmazonServerError: see
            :meth:`get_marketplace_participations`.
        """
        params = {"includedData": list(included_data)} if included_data else {}
        api = self._api("orders")
        response = self._call("getOrder", api.get_order, order_id, **params)
        return (response.payload or {}).get("order") or {}

    def confirm_shipment(self, order_id, *, marketplace_id, package_detail):
        """Orders v0 ``confirmShipment`` (``POST /orders/v0/orders/{orderId}/
        shipmentConfirmation``): one package of a merchant-fulfilled order.

        A retry (after a timeout or a 5xx) sends the same ``packageReferenceId``
        again, which Amazon treats as an edit of that package, so it is safe.

        :param str order_id: Amazon's order id.
        :param str marketplace_id: the order's marketplace.
        :param dict package_detail: Amazon's ``PackageDetail``:
            ``{"packageReferenceId", "carrierCode", "carrierName"?,
            "shippingMethod"?, "trackingNumber", "shipDate", "orderItems":
            [{"orderItemId", "quantity"}]}``; ``shipDate`` may be a naive UTC
            ``datetime`` (formatted here) or an ISO 8601 string.
        :return: ``None`` (Amazon answers 204).
        :raise AmazonInvalidInputError: Amazon refused the package (400): unknown
            carrier, quantity above what is left, order not shippable...
        :raise AmazonNotFoundError: no such order (404).
        :raise AmazonAuthError, AmazonThrottledError, AmazonServerError: see
            :meth:`get_marketplace_participations`.
        """
        detail = dict(package_detail)
        if isinstance(detail.get("shipDate"), datetime):
            detail["shipDate"] = format_amazon_datetime(detail["shipDate"])
        api = self._api("orders_v0")
        self._call(
            "confirmShipment",
            api.confirm_shipment,
            order_id,
            marketplaceId=marketplace_id,
            packageDetail=detail,
        )

    # --- feeds ------------------------------------------------------------- #

    def create_feed_document(self, content_type):
        """Feeds 2021-06-30 ``createFeedDocument``: a document to upload a feed to.

        :param str content_type: the MIME type of the content to upload, e.g.
            :data:`TSV_CONTENT_TYPE`; the upload must declare the same type.
        :return: ``{"feedDocumentId": str, "url": str}``; the pre-signed ``url``
            accepts one ``PUT`` within 5 minutes (see
            :meth:`upload_feed_document`). The url is a credential: never log it.
        :rtype: dict
        :raise AmazonInvalidInputError: Amazon refused the request (400).
        :raise AmazonAuthError, AmazonThrottledError, AmazonServerError: see
            :meth:`get_marketplace_participations`.
        """
        api = self._api("feeds")
        response = self._call(
            "createFeedDocument", api.create_feed_document, None, content_type
        )
        payload = response.payload or {}
        return {"feedDocumentId": payload.get("feedDocumentId"), "url": payload["url"]}

    def upload_feed_document(self, url, content, content_type):
        """Upload a feed's content to the pre-signed URL of
        :meth:`create_feed_document` (an HTTP ``PUT`` to Amazon S3, without SP-API
        authentication; counted as ``uploadFeedDocument``).

        :param str url: the document's pre-signed ``url``.
        :param bytes content: the feed (``str`` is encoded as UTF-8).
        :param str content_type: the type given to :meth:`create_feed_document`.
        :return: ``None``.
        :raise AmazonAuthError: S3 refused the upload (403: expired URL, other
            content type, bad signature).
        :raise AmazonServerError: S3 failed or did not answer (retried first).
        :raise AmazonApiError: any other error.
        """
        if isinstance(content, str):
            content = content.encode("utf-8")
        self._call(
            "uploadFeedDocument",
            self._transfer,
            "PUT",
            url,
            content=content,
            headers={"Content-Type": content_type},
        )

    def create_feed(self, feed_type, marketplace_ids, document_id, feed_options=None):
        """Feeds 2021-06-30 ``createFeed``: submit an uploaded document.

        :param str feed_type: e.g. ``POST_FLAT_FILE_FULFILLMENT_DATA``.
        :param list marketplace_ids: the marketplaces the feed applies to (1 to 25,
            the seller's).
        :param str document_id: the ``feedDocumentId`` the content was uploaded to.
        :param dict feed_options: Amazon's ``feedOptions`` (strings), optional.
        :return: Amazon's ``feedId``.
        :rtype: str
        :raise AmazonInvalidInputError: Amazon refused the feed (400).
        :raise AmazonAuthError, AmazonThrottledError, AmazonServerError: see
            :meth:`get_marketplace_participations` (the default usage plan allows
            one call every 2 minutes after a burst of 15: batch the rows).
        """
        kwargs = {"marketplaceIds": list(marketplace_ids)}
        if feed_options:
            kwargs["feedOptions"] = dict(feed_options)
        api = self._api("feeds")
        response = self._call(
            "createFeed", api.create_feed, feed_type, document_id, **kwargs
        )
        return str((response.payload or {})["feedId"])

    def submit_feed(self, feed_type, content, content_type, marketplace_ids):
        """Create a document, upload ``content`` to it and create the feed (the
        three calls of :meth:`create_feed_document`, :meth:`upload_feed_document`
        and :meth:`create_feed`).

        :return: ``(feed_id, feed_document_id)``.
        :rtype: tuple[str, str]
        :raise AmazonApiError: see the three methods.
        """
        document = self.create_feed_document(content_type)
        self.upload_feed_document(document["url"], content, content_type)
        feed_id = self.create_feed(
            feed_type, marketplace_ids, document["feedDocumentId"]
        )
        return feed_id, document["feedDocumentId"]

    def get_feed(self, feed_id):
        """Feeds 2021-06-30 ``getFeed``: a feed's processing status.

        :param str feed_id: Amazon's ``feedId``.
        :return: Amazon's ``Feed``: ``{"feedId", "feedType", "marketplaceIds",
            "createdTime", "processingStatus" (IN_QUEUE, IN_PROGRESS, DONE, FATAL,
            CANCELLED), "processingStartTime"?, "processingEndTime"?,
            "resultFeedDocumentId"?}`` (times as ISO 8601 strings).
        :rtype: dict
        :raise AmazonNotFoundError: no such feed for this seller (404).
        :raise AmazonAuthError, AmazonThrottledError, AmazonServerError: see
            :meth:`get_marketplace_participations`.
        """
        api = self._api("feeds")
        response = self._call("getFeed", api.get_feed, feed_id)
        return dict(response.payload or {})

    def get_feed_document(self, document_id):
        """Feeds 2021-06-30 ``getFeedDocument``, then the download of its content
        (``downloadFeedDocument``), gunzipped when Amazon says ``GZIP``.

        The library's own ``get_feed_document`` downloads with a client of its own
        (no timeout of ours, no error check); only its request helper is used here.

        :param str document_id: a ``feedDocumentId`` (input) or a feed's
            ``resultFeedDocumentId`` (its processing report).
        :return: the document's content.
        :rtype: bytes
        :raise AmazonNotFoundError: no such document for this seller (404).
        :raise AmazonAuthError, AmazonThrottledError, AmazonServerError: see
            :meth:`get_marketplace_participations`.
        """
        api = self._api("feeds")
        response = self._call(
            "getFeedDocument",
            api._request,
            f"/feeds/2021-06-30/documents/{document_id}",
            params={"method": "GET"},
            add_marketplace=False,
        )
        payload = response.payload or {}
        download = self._call(
            "downloadFeedDocument", self._transfer, "GET", payload["url"]
        )
        content = download.content
        # gzip's magic number: absent when a Content-Encoding header let httpx
        # decode the download already
        if payload.get("compressionAlgorithm") == "GZIP" and content[:2] == b"\x1f\x8b":
            content = gzip.decompress(content)
        return content

    def get_feed_report(self, feed):
        """The processing report of a finished feed, read
        (:func:`parse_processing_report`).

        :param dict feed: a :meth:`get_feed` answer in DONE or FATAL.
        :return: the parsed report, or ``None`` when the feed has no result
            document (CANCELLED).
        :rtype: dict
        :raise AmazonApiError: see :meth:`get_feed_document`; code
            ``MalformedReport`` when the report cannot be read.
        """
        return self._read_feed_report(
            feed, parse_processing_report, (ET.ParseError, ValueError, AttributeError)
        )

    def get_listings_feed_report(self, feed):
        """The processing report of a finished ``JSON_LISTINGS_FEED``, read
        (:func:`parse_listings_report`).

        :param dict feed: a :meth:`get_feed` answer in DONE or FATAL.
        :return: the parsed report, or ``None`` when the feed has no result
            document (CANCELLED).
        :rtype: dict
        :raise AmazonApiError: see :meth:`get_feed_document`; code
            ``MalformedReport`` when the report is not Amazon's JSON processing
            report.
        """
        return self._read_feed_report(
            feed, parse_listings_report, (ValueError, TypeError, AttributeError)
        )

    def _read_feed_report(self, feed, parse, errors):
        """Download a finished feed's result document and ``parse`` it; ``None``
        when the feed has none. A parse error in ``errors`` becomes an
        :class:`AmazonApiError` with code ``MalformedReport``."""
        document_id = feed.get("resultFeedDocumentId")
        if not document_id:
            return None
        content = self.get_feed_document(document_id)
        try:
            return parse(content)
        except errors as error:
            raise AmazonApiError(
                f"The processing report of feed {feed.get('feedId')} cannot be read: "
                f"{error}",
                code="MalformedReport",
                operation="getFeedDocument",
            ) from None

    # --- FBA inventory ----------------------------------------------------- #

    def get_inventory_summaries(
        self, marketplace_id, *, details=True, max_pages=MAX_INVENTORY_PAGES
    ):
        """FBA Inventory v1 ``getInventorySummaries`` (``GET
        /fba/inventory/v1/summaries``, granularity ``Marketplace``), every page.

        Amazon pools FBA stock across the marketplaces of a fulfillment network:
        every marketplace of the network answers the same quantities, so ask one
        marketplace per network, never add networks' marketplaces up. A page
        token lives 30 seconds: read every page before writing anything (e.g.
        ``list(client.get_inventory_summaries(...))``); the pages are requested
        back to back (usage plan 2 requests/s, burst 2).

        :param str marketplace_id: the marketplace (``granularityId`` and the
            single ``marketplaceIds``), one of the seller's.
        :param bool details: ask for ``inventoryDetails`` (the fulfillable
            quantity is there).
        :param int max_pages: stop with an error after this many pages.
        :return: a generator of pages, each a list of Amazon's
            ``InventorySummary`` dicts: ``{"sellerSku", "asin", "fnSku",
            "condition", "productName", "lastUpdatedTime", "totalQuantity",
            "inventoryDetails": {"fulfillableQuantity", "inboundWorkingQuantity",
            "inboundShippedQuantity", "inboundReceivingQuantity",
            "reservedQuantity": {...}, "researchingQuantity": {...},
            "unfulfillableQuantity": {...}}}`` (quantities are integers, units).
        :rtype: generator[list[dict]]
        :raise AmazonInvalidInputError: Amazon refused the query (400), e.g. an
            expired page token.
        :raise AmazonApiError: code ``PaginationLoop`` when a page token comes
            back again, ``TooManyPages`` after ``max_pages`` pages.
        :raise AmazonAuthError, AmazonThrottledError, AmazonServerError: see
            :meth:`get_marketplace_participations`.
        """
        api = self._api("inventory")
        params = {
            "granularityType": "Marketplace",
            "granularityId": marketplace_id,
            "marketplaceIds": [marketplace_id],
            "details": "true" if details else "false",
        }
        token, seen, pages = None, set(), 0
        while True:
            if pages >= max_pages:
                raise AmazonApiError(
                    f"getInventorySummaries gave more than {max_pages} pages.",
                    code="TooManyPages",
                    operation="getInventorySummaries",
                )
            query = dict(params, nextToken=token) if token else dict(params)
            response = self._call(
                "getInventorySummaries", api.get_inventory_summary_marketplace, **query
            )
            pages += 1
            payload = response.payload or {}
            yield list(payload.get("inventorySummaries") or [])
            token = response.next_token
            if not token:
                return
            if token in seen:
                raise AmazonApiError(
                    "getInventorySummaries keeps answering with a page token already "
                    "used: the pagination does not move on.",
                    code="PaginationLoop",
                    operation="getInventorySummaries",
                )
            seen.add(token)

    def _transfer(self, method, url, **kwargs):
        """One HTTP request to a pre-signed document URL (S3), with our timeout;
        an error status becomes :class:`_HttpError` (S3's XML ``Code`` and
        ``Message`` as Amazon's error)."""
        if self._transfer_client is None:
            self._transfer_client = httpx.Client(timeout=self.timeout)
        response = self._transfer_client.request(method, url, **kwargs)
        if response.status_code >= 300:
            raise _HttpError(
                response.status_code,
                response.headers,
                _s3_errors(response.content),
                response.reason_phrase or "Error",
            )
        return response


class _LibraryCredentials:
    """The credentials object the library's ``AccessTokenClient`` reads."""

    def __init__(self, credentials):
        self.lwa_app_id = credentials.lwa_app_id
        self.lwa_client_secret = credentials.lwa_client_secret
        self.refresh_token = credentials.refresh_token

    def __repr__(self):
        return "<credentials>"


def _is_token_error(error):
    """Whether an SP-API 401/403 says the access token expired or is invalid."""
    if isinstance(error, _HttpError):
        errors = error.errors
    elif isinstance(error, SellingApiException):
        errors = getattr(error, "error", None) or []
    else:
        return False
    texts = []
    for item in errors:
        if isinstance(item, dict):
            texts += [str(item.get("message") or ""), str(item.get("details") or "")]
    text = " ".join(texts).lower()
    return any(hint in text for hint in TOKEN_ERROR_HINTS)


def _s3_errors(content):
    """Amazon S3's XML error (``<Error><Code>..</Code><Message>..</Message>``) as
    an SP-API-like ``errors`` list (``[]`` when the body is not such XML)."""
    try:
        root = ET.fromstring(content or b"")
    except ET.ParseError:
        return []
    code, message = root.findtext("Code"), root.findtext("Message")
    return [{"code": code, "message": message}] if code or message else []


def parse_processing_report(content):
    """Read the XML processing report of an order feed (Amazon's legacy
    ``ProcessingReport`` envelope, as ``POST_FLAT_FILE_FULFILLMENT_DATA`` and the
    order acknowledgement feeds answer).

    :param bytes content: the report document.
    :return: ``{"status_code": str, "summary": {"MessagesProcessed": int, ...},
        "results": [{"message_id": int, "result_code": "Error"|"Warning",
        "message_code": str, "description": str, "order_ref": str|None}]}``;
        messages without a result succeeded.
    :rtype: dict
    :raise xml.etree.ElementTree.ParseError: not XML.
    :raise ValueError: XML without a processing report.
    """
    root = ET.fromstring(content)
    report = root.find("Message/ProcessingReport")
    if report is None:
        raise ValueError("no ProcessingReport element")
    summary = report.find("ProcessingSummary")
    return {
        "status_code": report.findtext("StatusCode"),
        "summary": {
            child.tag: int(child.text or 0)
            for child in (summary if summary is not None else [])
        },
        "results": [
            {
                "message_id": int(node.findtext("MessageID") or 0),
                "result_code": node.findtext("ResultCode"),
                "message_code": node.findtext("ResultMessageCode"),
                "description": node.findtext("ResultDescription"),
                "order_ref": node.findtext("AdditionalInfo/AmazonOrderID"),
            }
            for node in report.findall("Result")
        ],
    }


def parse_listings_report(content):
    """Read the JSON processing report (version 2.0) of a ``JSON_LISTINGS_FEED``
    (Amazon's ``listings-feed-processing-report-schema-v2.json``).

    :param bytes content: the report document (UTF-8 JSON).
    :return: ``{"summary": {"errors": int, "warnings": int,
        "messagesProcessed": int, "messagesAccepted": int, "messagesInvalid":
        int}, "issues": [{"message_id": int|None, "sku": str|None, "code": str,
        "severity": "ERROR"|"WARNING"|..., "message": str, "attribute":
        str|None}]}``; an issue without ``message_id`` concerns the whole feed
        (e.g. a document Amazon could not read); messages without an ERROR issue
        were accepted.
    :rtype: dict
    :raise ValueError: not JSON, or JSON that is not a processing report.
    """
    if isinstance(content, bytes):
        content = content.decode("utf-8-sig")
    report = json.loads(content)
    if not isinstance(report, dict) or not isinstance(report.get("summary"), dict):
        raise ValueError("no processing report summary")  # noqa: TRY004
    issues = []
    for issue in report.get("issues") or []:
        if not isinstance(issue, dict):
            continue
        message_id = issue.get("messageId")
        issues.append(
            {
                "message_id": message_id if isinstance(message_id, int) else None,
                "sku": issue.get("sku"),
                "code": str(issue.get("code") or ""),
                "severity": issue.get("severity"),
                "message": issue.get("message") or "",
                "attribute": issue.get("attributeName"),
            }
        )
    return {"summary": dict(report["summary"]), "issues": issues}
