"""Tokens spent per LLM call (daily budgets, `mockloop usage`).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "llm_usage",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("guild_id", sa.String(32), nullable=True),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("prompt_tokens", sa.Integer, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False),
        sa.Column("estimated", sa.Boolean, nullable=False),
    )
    op.create_index("ix_llm_usage_at", "llm_usage", ["at"])
    op.create_index("ix_llm_usage_user_at", "llm_usage", ["user_id", "at"])
    op.create_index("ix_llm_usage_guild_at", "llm_usage", ["guild_id", "at"])


def downgrade() -> None:
    op.drop_table("llm_usage")
