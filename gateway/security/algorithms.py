"""XML-DSig algorithm identifiers: enums whose values are the W3C URIs.

Only what the gateway can both produce and check is listed. SHA-1 members exist so legacy
packages (the reference samples, older producers) can be *read*; they are refused unless a
caller loosens :class:`~gateway.security.verifier.VerifyOptions` explicitly.
"""

from __future__ import annotations

import enum

from cryptography.hazmat.primitives import hashes

DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


class DigestAlgorithm(enum.Enum):
    SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
    SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    SHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
    SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"

    @property
    def hashlib_name(self) -> str:
        return self.name.lower()

    @property
    def is_legacy(self) -> bool:
        return self is DigestAlgorithm.SHA1


class SignatureMethod(enum.Enum):
    """RSA PKCS#1 v1.5 signature methods (the only family agency certificates use)."""

    RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    RSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
    RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"

    @property
    def digest(self) -> DigestAlgorithm:
        return DigestAlgorithm[self.name.removeprefix("RSA_")]

    def hash_algorithm(self) -> hashes.HashAlgorithm:
        return _HASHES[self.digest]()

    @property
    def is_legacy(self) -> bool:
        return self is SignatureMethod.RSA_SHA1


class CanonicalizationMethod(enum.Enum):
    C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
    C14N_WITH_COMMENTS = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
    EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    EXC_C14N_WITH_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"

    @property
    def exclusive(self) -> bool:
        return self in (
            CanonicalizationMethod.EXC_C14N,
            CanonicalizationMethod.EXC_C14N_WITH_COMMENTS,
        )

    @property
    def with_comments(self) -> bool:
        return self.value.endswith("#WithComments")


ENVELOPED_SIGNATURE = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

# The reference samples write the exclusive c14n transform with a non-standard URI
# (``http://www.w3.org/TR/xml-exc-c14n#``); it is accepted on the legacy path only.
LEGACY_EXC_C14N_ALIASES = frozenset({"http://www.w3.org/TR/xml-exc-c14n#"})

_HASHES: dict[DigestAlgorithm, type[hashes.HashAlgorithm]] = {
    DigestAlgorithm.SHA1: hashes.SHA1,
    DigestAlgorithm.SHA256: hashes.SHA256,
    DigestAlgorithm.SHA384: hashes.SHA384,
    DigestAlgorithm.SHA512: hashes.SHA512,
}
