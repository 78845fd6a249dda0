"""Persistence: SQLAlchemy 2.0 async tables, the repository, and Alembic migrations."""
