"""The database: units, accounts, uploaded versions, build jobs, the audit log and sign-in attempts.

SQLAlchemy 2 models; the schema is created and updated by the Alembic scripts in migrations/ (run by
open_database on every start), so that a newer budget-author upgrades an older data folder in place and
PostgreSQL could replace SQLite later. Times are stored as naive UTC.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, create_engine,
                        event)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

DATABASE_NAME = "budget-author.sqlite3"

CLERK, REVIEWER, ADMIN = "clerk", "reviewer", "admin"
ROLES = {CLERK: "填报人员", REVIEWER: "审核人员（财政局）", ADMIN: "管理员"}

# A version's state. The unit's status (what reviewers filter on) is the state of its latest version.
UNUSABLE, ERRORS, QUEUED, BUILT, FAILED, SUBMITTED, RETURNED, PUBLISHED = (
    "unusable", "errors", "queued", "built", "failed", "submitted", "returned", "published")
STATE_LABELS = {UNUSABLE: "无法读取", ERRORS: "有错误", QUEUED: "生成中", BUILT: "已生成", FAILED: "生成失败",
                SUBMITTED: "已提交", RETURNED: "已退回", PUBLISHED: "已发布"}

# A job's state.
JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED = "queued", "running", "done", "failed"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100), index=True)
    profile: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    published_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the frozen published one
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    versions: Mapped[list["Version"]] = relationship(back_populates="unit", order_by="Version.number")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)  # a clerk's unit
    region: Mapped[str | None] = mapped_column(String(100), nullable=True)  # a reviewer's region
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_version: Mapped[int] = mapped_column(Integer, default=1)  # bumped to sign out every session
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()


class Version(Base):
    """One uploaded workbook, immutable: its bytes are stored under their SHA-256 and never change."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("unit_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … within the unit
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")  # shown only, never a path
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16))
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    issues_json: Mapped[str] = mapped_column(Text, default="[]")
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    previews: Mapped[int] = mapped_column(Integer, default=0)  # page images made
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    redline_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)

    unit: Mapped[Unit] = relationship(back_populates="versions")
    uploader: Mapped[User] = relationship(foreign_keys=[uploaded_by])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewed_by])


class Job(Base):
    """A build of one version. Jobs left 'running' by a server that was stopped are queued again on start."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), index=True)
    stage: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    version: Mapped[Version] = relationship()


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    version_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit | None] = relationship()


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_who", "username", "ip", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001 - SQLAlchemy's signature
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the build thread's writes
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def database_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir).resolve() / DATABASE_NAME}"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(data_dir: Path) -> sessionmaker:
    """The data folder's database, migrated to the newest schema; returns the session factory."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url(data_dir))
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
