"""Per-day report summaries (report_day), filled by shared.insight.reports for closed business days.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_day",
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("group_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("no_show", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Integer(), nullable=False),
        sa.Column("expired", sa.Integer(), nullable=False),
        sa.Column("wait_count", sa.Integer(), nullable=False),
        sa.Column("wait_total_seconds", sa.Integer(), nullable=False),
        sa.Column("wait_max_seconds", sa.Integer(), nullable=False),
        sa.Column("wait_histogram", sa.LargeBinary(), nullable=False),
        sa.Column("service_count", sa.Integer(), nullable=False),
        sa.Column("service_total_seconds", sa.Integer(), nullable=False),
        sa.Column("service_max_seconds", sa.Integer(), nullable=False),
        sa.Column("service_histogram", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("dimension", "business_day", "group_key"),
    )


def downgrade() -> None:
    op.drop_table("report_day")
