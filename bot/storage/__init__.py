"""Persistence: SQLAlchemy tables, the repository (SQLite or PostgreSQL), and Alembic migrations."""
