"""State that survives restarts: the only package with SQL in it.

`Database` (database.py) opens any SQLAlchemy async URL (SQLite under the data directory by default) and
applies the Alembic migrations; the `*_repo.py` modules are the typed, async units of work the rest of the
bot calls, and they hand back plain dataclasses, never ORM objects.
"""
