"""A web site for the tests: a data folder with units and accounts, as the bureau would set it up."""

from __future__ import annotations

import re
from pathlib import Path

from budget_author.web import accounts
from budget_author.web.db import open_database

PASSWORD = "correct-horse-7"
UNITS = (  # code, name, region, year (the examples' units: fenyang-2025, datong-2024)
    ("141101", "汾阳市社会保险中心", "汾阳市", 2025),
    ("141102", "汾阳市财政局机关", "汾阳市", 2025),
    ("140201", "大同市社会保险中心", "大同市", 2024),
)
USERS = (  # username, role, unit code or region, name
    ("clerk1", "clerk", "141101", "张会计"),
    ("clerk2", "clerk", "141102", "王会计"),
    ("clerk3", "clerk", "140201", "赵会计"),
    ("reviewer", "reviewer", "汾阳市", "李审核"),
    ("reviewer_dt", "reviewer", "大同市", "周审核"),
    ("admin", "admin", "", "管理员"),
)


def make_site(folder: Path) -> dict[str, int]:
    """Units and accounts in a new data folder; returns unit code → id."""
    sessions = open_database(folder)
    with sessions.begin() as session:
        ids = {code: accounts.add_unit(session, code, name, region, "shanxi", year).id
               for code, name, region, year in UNITS}
        for username, role, where, name in USERS:
            accounts.add_user(session, username, role, password=PASSWORD, display_name=name,
                              unit_code=where if role == "clerk" else None, region=where if role == "reviewer" else None)
    return ids


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrf": csrf_of(page.text)},
                       follow_redirects=False)
