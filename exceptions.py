"""Errors of the Amazon Selling Partner API, as the connector's adapter raises them.

``services/sp_api.py`` translates every failure of python-amazon-sp-api (HTTP
errors, Login with Amazon errors, timeouts) into one of these classes, so the rest
of the addon never sees the library's exceptions. They are plain exceptions (not
Odoo's): a caller that wants a user-facing error wraps them itself.
:class:`AmazonUserError` is the connector's own user-facing error (see its
docstring).

Amazon's error body is ``{"errors": [{"code", "message", "details"}]}`` and every
answer carries an ``x-amzn-RequestId`` header (``../shared/docs/sp-api-brief.md``
§10); both are kept, as Amazon support asks for the request id.
"""

from odoo.exceptions import UserError


class AmazonApiError(Exception):
    """A call to Amazon (SP-API or Login with Amazon) failed.

    :param str message: Amazon's error message (or ours when Amazon gave none).
    :param str code: Amazon's error code (``InvalidInput``, ``QuotaExceeded``,
        ``invalid_grant``...), if any.
    :param int status: the HTTP status of the last answer, if there was one.
    :param str request_id: the ``x-amzn-RequestId`` of the last answer, if any.
    :param str operation: the Amazon operation (``searchOrders``, ``lwaToken``...).
    """

    #: Whether trying the same call again later may succeed.
    retryable = False

    def __init__(
        self, message, code=None, status=None, request_id=None, operation=None
    ):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.request_id = request_id
        self.operation = operation
        #: How many HTTP attempts were made before giving up (set by the adapter).
        self.attempts = None

    def __str__(self):
        parts = [self.message]
        context = [
            f"{label} {value}"
            for label, value in (
                ("operation", self.operation),
                ("code", self.code),
                ("HTTP", self.status),
                ("request id", self.request_id),
                ("attempts", self.attempts),
            )
            if value
        ]
        if context:
            parts.append(f"({', '.join(context)})")
        return " ".join(parts)

    def __repr__(self):
        return (
            f"{type(self).__name__}({self.message!r}, code={self.code!r}, "
            f"status={self.status!r}, request_id={self.request_id!r}, "
            f"operation={self.operation!r})"
        )


class AmazonAuthError(AmazonApiError):
    """The credentials were refused: LWA ``invalid_grant`` and other LWA client
    errors, or an SP-API 401/403 (unknown or expired token, missing role).

    Not retryable: the account's credentials or authorisation must be fixed.
    """


class AmazonThrottledError(AmazonApiError):
    """Amazon kept answering 429 ``QuotaExceeded`` (or the rate limiter would have
    had to wait longer than allowed): the run should stop and resume later."""

    retryable = True


class AmazonNotFoundError(AmazonApiError):
    """The resource does not exist for this seller (HTTP 404)."""


class AmazonInvalidInputError(AmazonApiError):
    """Amazon rejected the request (HTTP 400 and other 4xx client errors)."""


class AmazonServerError(AmazonApiError):
    """Amazon failed (5xx), did not answer in time, or could not be reached; also
    an answer that could not be read. Raised once the retries are exhausted."""

    retryable = True


class AmazonUserError(UserError):
    """A message of the connector itself, written to be shown, logged and kept on
    run rows: it never quotes buyer data (an order reference, a picking's name, a
    carrier, Amazon's message at most).

    Odoo's own ``UserError`` is no such promise: the core raises plain UserErrors
    that quote records' names (``BaseModel._check_company``...), so
    ``amazon_sync_run.error_text`` and ``log_text`` keep the message of an
    ``AmazonUserError`` or an :class:`AmazonApiError` only.
    """
