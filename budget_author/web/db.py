"""The database: units, accounts, uploaded versions, build jobs, the audit log and sign-in attempts.

SQLAlchemy 2 models; the schema is created and updated by the Alembic scripts in migrations/ (run by
open_database on every start), so that a newer budget-author upgrades an older data folder in place and
PostgreSQL could replace SQLite later. Times are stored as naive UTC.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint,
                        create_engine, event)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

DATABASE_NAME = "budget-author.sqlite3"
DATABASE_ENV = "BUDGET_AUTHOR_DATABASE"  # a database URL (postgresql+psycopg://…) instead of the data folder's SQLite

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


class Blob(Base):
    """File contents by their SHA-256: uploaded workbooks and every build output. Workers on other machines read
    their inputs and write their outputs here (never through a shared disk); written once, never changed."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Job(Base):
    """A build: of a version (the web pages), or of one workbook of a batch (`build DIR --queue`).

    The row is the truth about the build, whatever the task engine's broker holds: its state, how often it
    was taken (attempts), by which worker under which claim, until when that worker's lease runs (renewed by
    its heartbeat), when a message was last sent for it, and when it fails, the message the clerk reads. A
    worker that dies lets its lease run out; the sweep (jobs.sweep) then queues the job again, or fails it
    after MAX_ATTEMPTS. A queued job whose message the broker lost is sent again by the same sweep."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), index=True, nullable=True)
    state: Mapped[str] = mapped_column(String(12), index=True)
    stage: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    workbook_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    workbook_name: Mapped[str] = mapped_column(String(255), default="")
    batch: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)  # build DIR --queue
    params_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # a batch unit's options and output names
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # a batch unit's outcome
    claim: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the current run's token
    worker: Mapped[str | None] = mapped_column(String(120), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    version: Mapped[Version | None] = relationship()


class JobFile(Base):
    """An output of a finished job (document.pdf, document.html, document.manifest.json, document-公开表.xlsx,
    pages/page-001.png …), its content in blobs."""

    __tablename__ = "job_files"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))


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


def database_url(data_dir: Path, url: str | None = None) -> str:
    """The database: `url` if given, else $BUDGET_AUTHOR_DATABASE, else the data folder's SQLite file."""
    import os

    url = url or os.environ.get(DATABASE_ENV)
    if url:
        return url
    return f"sqlite:///{Path(data_dir).resolve() / DATABASE_NAME}"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # serve and the workers may start at once: one migrates
            from sqlalchemy import text

            connection.execute(text("SELECT pg_advisory_xact_lock(7157)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(data_dir: Path | None, url: str | None = None) -> sessionmaker:
    """The database (the data folder's SQLite file unless a URL is given), migrated to the newest schema; returns
    the session factory."""
    if data_dir is not None:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
    engine = make_engine(database_url(data_dir or Path("."), url))
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
