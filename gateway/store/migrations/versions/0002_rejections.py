"""Refused inbound packages (``rejections``), recognised again on the next poll.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "rejections",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("transport_ref", sa.String(length=255), nullable=True),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=True),
        sa.Column("edxml_document_id", sa.String(length=255), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("answered_with_status", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_sha256"], ["blobs.sha256"], name=op.f("fk_rejections_package_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejections")),
        sa.UniqueConstraint(
            "channel", "transport_ref", name=op.f("uq_rejections_channel_transport_ref")
        ),
    )
    op.create_index(op.f("ix_rejections_created_at"), "rejections", ["created_at"], unique=False)
    op.create_index(
        op.f("ix_rejections_package_sha256"), "rejections", ["package_sha256"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_rejections_package_sha256"), table_name="rejections")
    op.drop_index(op.f("ix_rejections_created_at"), table_name="rejections")
    op.drop_table("rejections")
