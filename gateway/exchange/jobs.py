"""The kinds of work the engine puts on the store's queue, and their payloads.

One place names them so the producers (outbound, intake) and the consumers (workers) agree.
Payloads hold identifiers only: the bytes and rows they point to are already durable.
"""

from __future__ import annotations

DELIVER = "deliver"
"""Send a stored document package to one recipient: ``{"delivery": <delivery id>}``."""

SEND_STATUS = "status"
"""Send a stored status package: ``{"sha256", "to", "channel", "event"?, "document"?}``."""

IMPORT = "import"
"""Hand a received document to the back office: ``{"document": <store document id>}``."""

NOTIFY = "notify"
"""Hand a received status to the back office: ``{"event": <status event id>, "document"}``."""

ALL = (DELIVER, SEND_STATUS, IMPORT, NOTIFY)
