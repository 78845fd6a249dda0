"""STAR rehearsals on Discord: each thread's coaching state between messages.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_rooms",
        sa.Column("thread_id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("discord_user_id", sa.String(32), nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_rooms_user_id", "coach_rooms", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_coach_rooms_user_id", "coach_rooms")
    op.drop_table("coach_rooms")
