"""Peer interviews: the queue, pairings, their two rounds, ratings, and blocks.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "peer_queue",
        sa.Column("member", sa.String(128), primary_key=True),
        sa.Column("guild_id", sa.String(32), nullable=True),
        sa.Column("round", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("joined_at", WHEN, nullable=False),
        sa.Column("not_before", WHEN, nullable=False),
        sa.Column("front", sa.Boolean, nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_peer_queue_ready", "peer_queue", ["not_before"])
    op.create_table(
        "peer_pairings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("guild_id", sa.String(32), nullable=True),
        sa.Column("first_member", sa.String(128), nullable=False, index=True),
        sa.Column("second_member", sa.String(128), nullable=False, index=True),
        sa.Column("round", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("confirmed", sa.JSON, nullable=False),
        sa.Column("confirm_by", WHEN, nullable=False),
        sa.Column("left_by", sa.String(128), nullable=True),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("thread_id", sa.String(32), nullable=True),
        sa.Column("paired_by", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("ended_at", WHEN, nullable=True),
    )
    op.create_table(
        "peer_rounds",
        sa.Column("pairing_id", sa.String(32), sa.ForeignKey("peer_pairings.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("interviewer", sa.String(128), nullable=False),
        sa.Column("candidate", sa.String(128), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("phase", sa.String(12), nullable=False),
        sa.Column("asked_at", WHEN, nullable=True),
        sa.Column("deadline_at", WHEN, nullable=True),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.Column("followups", sa.JSON, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("offline", sa.JSON, nullable=True),
        sa.Column("human_score", sa.Integer, nullable=True),
    )
    op.create_table(
        "peer_ratings",
        sa.Column("pairing_id", sa.String(32), sa.ForeignKey("peer_pairings.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("rater", sa.String(128), primary_key=True),
        sa.Column("kind", sa.String(12), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("levels", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("rated_at", WHEN, nullable=False),
    )
    op.create_table(
        "peer_blocks",
        sa.Column("blocker", sa.String(128), primary_key=True),
        sa.Column("blocked", sa.String(128), primary_key=True, index=True),
        sa.Column("created_at", WHEN, nullable=False),
    )


def downgrade() -> None:
    for table in ("peer_blocks", "peer_ratings", "peer_rounds", "peer_pairings", "peer_queue"):
        op.drop_table(table)
