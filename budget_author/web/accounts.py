"""Units and accounts: created by `budget-author units …` / `users …`, one at a time or from a CSV file.

Passwords are hashed with argon2id (argon2-cffi's defaults); only the hash is stored. A CSV import checks
every row first and writes nothing when any row is wrong, naming each wrong row. CSV files may be UTF-8
(with or without BOM) or GB18030/GBK, which is what Excel and WPS save on Chinese Windows.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from budget_author import profiles
from budget_author.web.db import ADMIN, CLERK, REVIEWER, ROLES, Unit, User

MIN_PASSWORD = 8
UNIT_COLUMNS = ("单位代码", "单位名称", "地区", "公开标准", "年度")
USER_COLUMNS = ("用户名", "姓名", "角色", "单位代码", "地区", "初始密码")
ROLE_WORDS = {"clerk": CLERK, "填报人员": CLERK, "填报": CLERK, "reviewer": REVIEWER, "审核人员": REVIEWER,
              "审核": REVIEWER, "admin": ADMIN, "管理员": ADMIN}
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")

_hasher = PasswordHasher()


class AccountError(ValueError):
    """Something about a unit or an account that cannot be done; the message is for the bureau (Chinese)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# A hash to verify against when the account does not exist, so that a wrong name takes as long as a wrong password.
DUMMY_HASH = hash_password(secrets.token_hex(16))


def new_password() -> str:
    return secrets.token_urlsafe(9)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码太短：至少 {MIN_PASSWORD} 个字符。")


def _profile_name(value: str) -> str:
    value = value.strip() or profiles.DEFAULT
    for name, label in profiles.BUILT_IN.items():
        if value in (name, label):
            return name
    if profiles.is_known(value):
        return value
    raise AccountError(f"不认识的公开标准“{value}”。可用的标准：{'、'.join(profiles.available())}。")


def _year(value: str | int) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise AccountError(f"年度“{value}”应为 2000 到 2100 之间的整数。") from None
    if not 2000 <= year <= 2100:
        raise AccountError(f"年度“{value}”应为 2000 到 2100 之间的整数。")
    return year


def _required(value: str | None, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise AccountError(f"缺少{what}。")
    if len(value) > 200:
        raise AccountError(f"{what}太长（最多 200 个字符）。")
    return value


def add_unit(session: Session, code: str, name: str, region: str, profile: str = "", year: str | int = 0,
             *, update: bool = False) -> Unit:
    code, name, region = _required(code, "单位代码"), _required(name, "单位名称"), _required(region, "地区")
    if len(code) > 40:
        raise AccountError("单位代码太长（最多 40 个字符）。")
    profile_name, year_number = _profile_name(profile), _year(year)
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is not None and not update:
        raise AccountError(f"单位代码 {code} 已存在（{unit.name}）。")
    if unit is None:
        unit = Unit(code=code)
        session.add(unit)
    unit.name, unit.region, unit.profile, unit.year = name, region, profile_name, year_number
    session.flush()
    return unit


def add_user(session: Session, username: str, role: str, *, password: str, display_name: str = "",
             unit_code: str | None = None, region: str | None = None) -> User:
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise AccountError(f"用户名“{username}”无效：2–64 个字符，只能用英文字母、数字和 _ . @ -。")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError(f"用户名 {username} 已存在。")
    role = ROLE_WORDS.get((role or "").strip().lower(), ROLE_WORDS.get((role or "").strip()))
    if role is None:
        raise AccountError("角色应为 clerk（填报人员）、reviewer（审核人员）或 admin（管理员）。")
    _check_password(password)
    user = User(username=username, display_name=(display_name or "").strip()[:100], role=role,
                password_hash=hash_password(password))
    if role == CLERK:
        code = (unit_code or "").strip()
        unit = session.scalar(select(Unit).where(Unit.code == code)) if code else None
        if unit is None:
            raise AccountError(f"填报人员需要一个已登记的单位代码（{code or '未填写'}）：先用 budget-author units add 登记单位。")
        user.unit_id = unit.id
    elif role == REVIEWER:
        user.region = _required(region, "审核人员负责的地区")
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError(f"没有用户 {username}。")
    return user


def set_password(session: Session, username: str, password: str) -> User:
    user = find_user(session, username)
    _check_password(password)
    user.password_hash = hash_password(password)
    user.session_version += 1  # every open session of the account is signed out
    return user


def set_active(session: Session, username: str, active: bool) -> User:
    user = find_user(session, username)
    user.active = active
    user.session_version += 1
    return user


# ---------------------------------------------------------------- CSV


def decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AccountError("无法识别 CSV 文件的编码：请在 Excel/WPS 中另存为“CSV UTF-8”。")


def _rows(text: str, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise AccountError(f"CSV 的第一行应为列名：{'，'.join(columns)}；缺少：{'，'.join(missing)}。")
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if any(values.values()):
            rows.append((number, values))
    return rows


def _all_or_nothing(session: Session, rows, apply) -> list:
    """Apply every row in one transaction (a savepoint); any wrong row: nothing written, every wrong row named."""
    results, problems = [], []
    with session.begin_nested() as savepoint:
        for number, row in rows:
            try:
                with session.begin_nested():
                    results.append(apply(row))
            except AccountError as exc:
                problems.append(f"第 {number} 行：{exc}")
        if problems:
            savepoint.rollback()
            raise AccountError("CSV 中有错误，没有导入任何一行：\n" + "\n".join(problems))
    return results


def import_units(session: Session, data: bytes) -> list[Unit]:
    """Units from CSV (单位代码,单位名称,地区,公开标准,年度). A code already registered is updated."""
    rows = _rows(decode_csv(data), UNIT_COLUMNS, ("单位代码", "单位名称", "地区", "年度"))
    return _all_or_nothing(session, rows, lambda r: add_unit(
        session, r.get("单位代码", ""), r.get("单位名称", ""), r.get("地区", ""), r.get("公开标准", ""),
        r.get("年度", ""), update=True))


@dataclass(frozen=True)
class Imported:
    user: User
    password: str | None  # the generated one, to hand to its owner; None when the CSV gave it


def import_users(session: Session, data: bytes) -> list[Imported]:
    """Accounts from CSV (用户名,姓名,角色,单位代码,地区,初始密码). An empty 初始密码 gets a generated one."""
    rows = _rows(decode_csv(data), USER_COLUMNS, ("用户名", "角色"))

    def apply(row: dict[str, str]) -> Imported:
        given = row.get("初始密码", "")
        password = given or new_password()
        user = add_user(session, row.get("用户名", ""), row.get("角色", ""), password=password,
                        display_name=row.get("姓名", ""), unit_code=row.get("单位代码"), region=row.get("地区"))
        return Imported(user, None if given else password)

    return _all_or_nothing(session, rows, apply)


def role_label(role: str) -> str:
    return ROLES.get(role, role)
