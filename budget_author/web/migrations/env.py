"""Alembic's environment: migrations run on the connection db.migrate hands over (no alembic.ini)."""

from alembic import context

from budget_author.web.db import Base

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic revision --autogenerate` during development: a scratch database
    from sqlalchemy import create_engine

    connection = create_engine(context.config.get_main_option("sqlalchemy.url")).connect()
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
