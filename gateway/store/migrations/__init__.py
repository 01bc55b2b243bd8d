"""Alembic migrations of the store, shipped inside the package (see gateway.store.db.upgrade)."""
