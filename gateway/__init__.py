"""The document-exchange gateway of the Ministry of Industry and Trade (edXML, QCVN 102:2016)."""

__version__ = "0.1.0"
