"""The gateway's one exception tree.

Every error the gateway raises on purpose derives from :class:`GatewayError`. Each branch maps
once to an HTTP status, a SOAP fault code and a CLI exit code (see :func:`exit_code_for`), so
edges never invent their own mapping::

    GatewayError
    ├── ConfigError                 bad or missing configuration
    ├── XmlSecurityError            the hardened parser refused the bytes (DTD, entity, size, ...)
    ├── EdxmlError                  edXML packages
    │   ├── EdxmlParseError         well-formed XML that is not a readable edXML package
    │   ├── EdxmlBuildError         a model that cannot be written as a package
    │   └── EdxmlValidationError    schema or semantic validation failed (carries the report)
    ├── AgencyIdError               a malformed agency identifier (mã định danh)
    ├── SecurityError               signing and trust
    │   ├── KeySourceError          a key or certificate could not be loaded / used
    │   ├── SignatureError          signing failed, or a signature does not verify
    │   └── TrustError              chain, validity, revocation or sender binding refused
    ├── StoreError                  the durable store
    │   ├── BlobIntegrityError      a blob's bytes no longer match its name
    │   ├── QueueError              work-queue misuse (unknown job, lost lease, ...)
    │   └── LogIntegrityError       the exchange log's hash chain is broken
    ├── TransportError              talking to a peer (axis, partner)
    │   ├── RetryableTransportError timeouts, connection errors, 5xx: try again later
    │   └── AxisError               the axis answered with an error (keeps its own text)
    ├── ExchangeError               the engine refused a document or a status transition
    └── AdapterError                a back-office adapter failed (see ``retryable``)
        ├── UnknownAdapterError     no adapter registered under that name (configuration)
        └── BackOfficeDataError     a value from or for the back office is invalid

Messages say what, where and why; they never contain secrets.
"""

from __future__ import annotations


class GatewayError(Exception):
    """Root of every error the gateway raises on purpose."""

    exit_code: int = 1
    http_status: int = 500
    soap_fault: str = "soap:Server"


class ConfigError(GatewayError):
    exit_code = 2
    http_status = 500


class XmlSecurityError(GatewayError):
    """The hardened parser refused the input; ``reason`` is a short machine-readable tag."""

    exit_code = 1
    http_status = 400
    soap_fault = "soap:Client"

    def __init__(self, message: str, *, reason: str, line: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.line = line


class EdxmlError(GatewayError):
    http_status = 400
    soap_fault = "soap:Client"


class EdxmlParseError(EdxmlError):
    """Readable XML, but not a readable edXML package. ``path`` locates the problem."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


class EdxmlBuildError(EdxmlError):
    pass


class EdxmlValidationError(EdxmlError):
    """Validation failed; ``problems`` holds every problem found (see gateway.schema)."""

    def __init__(self, message: str, problems: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class AgencyIdError(GatewayError, ValueError):
    http_status = 400
    soap_fault = "soap:Client"


class SecurityError(GatewayError):
    http_status = 403
    soap_fault = "soap:Client"


class KeySourceError(SecurityError):
    http_status = 500
    soap_fault = "soap:Server"


class SignatureError(SecurityError):
    pass


class TrustError(SecurityError):
    pass


class StoreError(GatewayError):
    pass


class BlobIntegrityError(StoreError):
    pass


class QueueError(StoreError):
    pass


class LogIntegrityError(StoreError):
    pass


class TransportError(GatewayError):
    http_status = 502
    retryable: bool = False


class RetryableTransportError(TransportError):
    retryable = True
    http_status = 503


class AxisError(TransportError):
    """The axis said no. ``code`` and ``description`` are the axis's own words."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        description: str | None = None,
        http_status: int | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.description = description
        self.status = http_status
        self.retryable = retryable


class ExchangeError(GatewayError):
    http_status = 422
    soap_fault = "soap:Client"


class AdapterError(GatewayError):
    """A back-office adapter could not do its work; ``retryable`` is True for I/O trouble."""

    http_status = 502

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class UnknownAdapterError(AdapterError):
    """The configured adapter name is not registered (or cannot be loaded): fix the config."""

    exit_code = 2
    http_status = 500


class BackOfficeDataError(AdapterError, ValueError):
    """A value the back office handed over (or is to receive) breaks the contract."""

    http_status = 422
    soap_fault = "soap:Client"


def exit_code_for(error: BaseException) -> int:
    """CLI exit code: 2 for configuration, 1 for everything else the gateway refuses."""
    if isinstance(error, GatewayError):
        return error.exit_code
    return 1
