"""Domain errors raised by services; the web and API faces map them to HTTP responses."""


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message, fields=None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(DomainError):
    status_code = 400
    code = "invalid"


class Unauthenticated(DomainError):
    """No valid credentials (a missing, expired or revoked token)."""

    status_code = 401
    code = "unauthenticated"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"
