"""Material for the demonstration run (``make run``): sample documents and their attachments."""
