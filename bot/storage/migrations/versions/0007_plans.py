"""Prep plans: a plan row per user and plan, and its drills as schedules with a week and topics.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("weeks", sa.Integer, nullable=False),
        sa.Column("titles", sa.JSON, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plans_user_id", "plans", ["user_id"])
    with op.batch_alter_table("schedules") as batch:
        batch.add_column(sa.Column("plan_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("week", sa.Integer, nullable=True))
        batch.add_column(sa.Column("focus", sa.JSON, nullable=True))
        batch.add_column(sa.Column("session_id", sa.String(32), nullable=True))
        batch.create_foreign_key("fk_schedules_plan_id", "plans", ["plan_id"], ["id"], ondelete="CASCADE")
        batch.create_index("ix_schedules_plan_id", ["plan_id"])


def downgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.drop_index("ix_schedules_plan_id")
        batch.drop_constraint("fk_schedules_plan_id", type_="foreignkey")
        for column in ("session_id", "focus", "week", "plan_id"):
            batch.drop_column(column)
    op.drop_index("ix_plans_user_id", "plans")
    op.drop_table("plans")
