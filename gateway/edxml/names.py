"""The edXML namespace and the element names the reader and writer share."""

from __future__ import annotations

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
XMLDSIG_NS = "http://www.w3.org/2000/09/xmldsig#"

# "Bussiness" is the regulation's own spelling; "Business" is accepted from careless producers.
BUSINESS_NAMES = ("Bussiness", "Business")


def qname(local: str) -> str:
    """Clark notation ``{ns}local`` as lxml reports tags."""
    return f"{{{NS}}}{local}"
