"""case next due date for the overdue list

A derived column: the earliest due date among a case's open deadlines, set at each transition. Cases
opened before this migration get it at their next transition.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:41:16.334193
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_due_on", sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_next_due_on"), ["next_due_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_next_due_on"))
        batch_op.drop_column("next_due_on")
