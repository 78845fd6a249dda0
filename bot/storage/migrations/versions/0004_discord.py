"""Discord: the server a session runs in, each session's thread and edited messages, server settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("guild_id", sa.String(32), nullable=True))
    op.create_table(
        "discord_rooms",
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("thread_id", sa.String(32), nullable=False, unique=True),
        sa.Column("guild_id", sa.String(32), nullable=True),
        sa.Column("discord_user_id", sa.String(32), nullable=False),
        sa.Column("status_message_id", sa.String(32), nullable=True),
        sa.Column("question_message_id", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_discord_rooms_discord_user_id", "discord_rooms", ["discord_user_id"])
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.String(32), primary_key=True),
        sa.Column("group_channel_id", sa.String(32), nullable=True),
        sa.Column("tokens_per_member", sa.Integer, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("guild_settings")
    op.drop_index("ix_discord_rooms_discord_user_id", "discord_rooms")
    op.drop_table("discord_rooms")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("guild_id")
