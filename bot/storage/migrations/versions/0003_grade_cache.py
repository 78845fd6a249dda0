"""LLM grades cached by answer, rubric version, model and hints.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grade_cache",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_grade_cache_user_id", "grade_cache", ["user_id"])


def downgrade() -> None:
    op.drop_table("grade_cache")
