"""The gateway's own HTTP side: for now a small authenticated admin API (see docs/api.md)."""
