"""Users, sessions, rounds, asked questions, answers and per-criterion scores.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

when = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("external_id", sa.String(128), nullable=False, unique=True),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("created_at", when, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("track", sa.String(16), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("ended_at", when, nullable=True),
        sa.Column("last_active_at", when, nullable=False),
        sa.Column("score", sa.Integer, nullable=True),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_index("ix_sessions_user_created", "sessions", ["user_id", "created_at"])
    op.create_table(
        "rounds",
        sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", when, nullable=True),
        sa.Column("deadline_at", when, nullable=True),
        sa.Column("ended_at", when, nullable=True),
        sa.Column("warnings_sent", sa.JSON, nullable=False),
        sa.Column("score", sa.Integer, nullable=True),
    )
    op.create_table(
        "asked_questions",
        sa.Column("session_id", sa.String(32), primary_key=True),
        sa.Column("round_pos", sa.Integer, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("rubric_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("asked_at", when, nullable=True),
        sa.Column("deadline_at", when, nullable=True),
        sa.Column("hints", sa.JSON, nullable=False),
        sa.Column("followups", sa.JSON, nullable=False),
        sa.Column("draft", sa.Text, nullable=True),
        sa.Column("score", sa.Integer, nullable=True),
        sa.Column("signal", sa.String(16), nullable=True),
        sa.Column("scorer", sa.String(16), nullable=True),
        sa.Column("result", sa.JSON, nullable=True),
        sa.ForeignKeyConstraint(["session_id", "round_pos"], ["rounds.session_id", "rounds.position"], ondelete="CASCADE"),
    )
    op.create_index("ix_asked_questions_question_id", "asked_questions", ["question_id"])
    question_key = (["session_id", "round_pos", "question_pos"],
                    ["asked_questions.session_id", "asked_questions.round_pos", "asked_questions.position"])
    op.create_table(
        "answers",
        sa.Column("session_id", sa.String(32), primary_key=True),
        sa.Column("round_pos", sa.Integer, primary_key=True),
        sa.Column("question_pos", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("prompt", sa.Text, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("submitted_at", when, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.ForeignKeyConstraint(*question_key, ondelete="CASCADE"),
    )
    op.create_table(
        "criterion_scores",
        sa.Column("session_id", sa.String(32), primary_key=True),
        sa.Column("round_pos", sa.Integer, primary_key=True),
        sa.Column("question_pos", sa.Integer, primary_key=True),
        sa.Column("criterion_id", sa.String(48), primary_key=True),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("max_level", sa.Integer, nullable=False),
        sa.Column("evidence", sa.Text, nullable=True),
        sa.ForeignKeyConstraint(*question_key, ondelete="CASCADE"),
    )


def downgrade() -> None:
    for table in ("criterion_scores", "answers", "asked_questions", "rounds", "sessions", "users"):
        op.drop_table(table)
