"""Group rounds: scheduled by an admin in a channel, joined by members.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_rounds",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("guild_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(32), nullable=True),
        sa.Column("round", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_group_rounds_guild_id", "group_rounds", ["guild_id"])
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.String(32), sa.ForeignKey("group_rounds.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("discord_user_id", sa.String(32), primary_key=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("group_members")
    op.drop_index("ix_group_rounds_guild_id", "group_rounds")
    op.drop_table("group_rounds")
