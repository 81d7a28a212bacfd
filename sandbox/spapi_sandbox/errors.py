"""Amazon's error bodies, and the exception that carries one through the sandbox."""

from __future__ import annotations

# The generic message Amazon sends with most InvalidInput errors; the sandbox
# puts the rule that was broken in ``details``.
INVALID_INPUT_MESSAGE = (
    "The input you have submitted is not valid. Please check your input and try again."
)
QUOTA_EXCEEDED_MESSAGE = "You exceeded your quota for the requested resource."
TOKEN_EXPIRED_MESSAGE = "The access token you provided has expired."
TOKEN_INVALID_MESSAGE = (
    "The access token you provided is revoked, malformed or invalid."
)
ACCESS_DENIED_MESSAGE = "Access to requested resource is denied."
INTERNAL_FAILURE_MESSAGE = "We encountered an internal error. Please try again."
UNAVAILABLE_MESSAGE = "Service temporarily unavailable. Please try again."


def error_body(code: str, message: str, details: str | None = None) -> dict:
    """``{"errors": [{"code", "message", "details"?}]}``."""
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"errors": [error]}


class ApiError(Exception):
    """An SP-API error answer: HTTP status plus an ``errors`` body."""

    def __init__(self, status: int, code: str, message: str, details: str | None = ""):
        """Build the error; ``details`` ``None`` leaves the key out of the body."""
        super().__init__(f"{status} {code}: {message} {details or ''}".strip())
        self.status = status
        self.body = error_body(code, message, details)


def invalid_input(details: str) -> ApiError:
    """A 400 InvalidInput with Amazon's generic message and ``details``."""
    return ApiError(400, "InvalidInput", INVALID_INPUT_MESSAGE, details)


def not_found(details: str) -> ApiError:
    """A 404 NotFound."""
    return ApiError(404, "NotFound", "The requested resource was not found.", details)


def quota_exceeded() -> ApiError:
    """The 429 QuotaExceeded answer."""
    return ApiError(429, "QuotaExceeded", QUOTA_EXCEEDED_MESSAGE, "")


def unauthorized(message: str) -> ApiError:
    """A 403 Unauthorized (expired, invalid or insufficient access token)."""
    return ApiError(403, "Unauthorized", message, "")


def fault_error(status: int) -> ApiError:
    """The error an injected fault of ``status`` answers (403, 429, 500, 503)."""
    if status == 403:
        return unauthorized(TOKEN_EXPIRED_MESSAGE)
    if status == 429:
        return quota_exceeded()
    if status == 503:
        return ApiError(503, "ServiceUnavailable", UNAVAILABLE_MESSAGE, "")
    return ApiError(status, "InternalFailure", INTERNAL_FAILURE_MESSAGE, "")
