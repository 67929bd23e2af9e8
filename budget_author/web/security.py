"""Sessions, CSRF tokens, the sign-in rate limit, security headers and the upload size limit.

- Sessions: Starlette's signed cookie (itsdangerous; HttpOnly, SameSite=Lax, 8 hours). It holds the
  account id, the account's session_version (changing the password or disabling the account signs every
  session out) and the CSRF token.
- CSRF: a random token per session, in a hidden field of every form; a POST without the session's token
  is refused (403) before anything is done.
- Sign-in: after FAILURE_LIMIT failed attempts for one account from one address within FAILURE_WINDOW
  (ACCOUNT_LIMIT for one account from all addresses, ADDRESS_LIMIT from one address for all accounts),
  further attempts are refused without checking the password until the window has passed. An attempt is
  counted before its password is checked, so that simultaneous attempts cannot slip past the count. The
  attempts are rows in the database (they survive a restart). The address is the connection's: `serve`
  believes X-Forwarded-For only from a proxy named with --trusted-proxy.
- Every response carries a Content-Security-Policy (scripts and styles only from this server, no inline
  script, no framing), X-Content-Type-Options: nosniff, Referrer-Policy and X-Frame-Options.
- Request bodies are counted while they arrive: past the limit the upload stops being read (413).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from budget_author.web.db import LoginAttempt, utcnow

SESSION_SECONDS = 8 * 3600
FAILURE_LIMIT = 5  # one account from one address
ACCOUNT_LIMIT = 20  # one account from every address (someone guessing from many machines)
ADDRESS_LIMIT = 30  # one address for every account (one password tried on many accounts)
FAILURE_WINDOW = dt.timedelta(minutes=15)
FORM_OVERHEAD = 256 * 1024  # multipart boundaries and the small fields beside the file

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


def csrf_token(session: dict) -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(session: dict, submitted: object) -> bool:
    expected = session.get("csrf")
    return bool(expected) and isinstance(submitted, str) and hmac.compare_digest(expected, submitted)


def _failures(db: Session, *where) -> int:
    since = utcnow() - FAILURE_WINDOW
    return db.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.ok.is_(False), LoginAttempt.at >= since, *where)) or 0


def count_attempt(db: Session, username: str, ip: str) -> int:
    """Record an attempt as failed before its password is checked (a success removes it); returns its id."""
    attempt = LoginAttempt(username=username[:64], ip=ip[:64], ok=False)
    db.add(attempt)
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - 4 * FAILURE_WINDOW))
    db.flush()
    return attempt.id


def locked_out(db: Session, username: str, ip: str) -> bool:
    """Too many failures (this attempt, already counted, included) for the account from this address, for the
    account from anywhere, or from this address for any account."""
    user, address = LoginAttempt.username == username[:64], LoginAttempt.ip == ip[:64]
    return (_failures(db, user, address) > FAILURE_LIMIT or _failures(db, user) > ACCOUNT_LIMIT
            or _failures(db, address) > ADDRESS_LIMIT)


def succeeded(db: Session, attempt_id: int, username: str, ip: str) -> None:
    """A success: the attempt is marked so, and this account's failures from this address are forgotten."""
    db.execute(delete(LoginAttempt).where(LoginAttempt.username == username[:64], LoginAttempt.ip == ip[:64],
                                          LoginAttempt.ok.is_(False), LoginAttempt.id != attempt_id))
    db.execute(update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(ok=True))


class SecurityHeaders:
    """ASGI middleware: the security headers on every response (pages, files, errors)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in HEADERS if name not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: a request body is read only up to `limit` bytes. A Content-Length over the limit is
    refused before the body is read; a body that turns out longer (chunked, or lying) raises BodyTooLarge
    from receive(), which the upload handler turns into its page."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        scope.setdefault("state", {})["body_limit"] = self.limit
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    scope["state"]["body_declared_too_large"] = True
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited_receive, send)
