"""The command line of the web version: `serve`, `units …` and `users …` (registered by cli.py).

Only click is imported here; the web dependencies (the `budget-author[web]` extra) are imported when a
command runs, so that `check` and `build` work without them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from budget_author.cli_zh import ZhChoice, ZhCommand, ZhGroup, ZhIntRange, ZhPath, ZhProfile

DEFAULT_DATA = "budget-author-data"
MISSING = ("网页版需要额外的 Python 组件（Starlette、uvicorn、SQLAlchemy 等）。请运行 bash tasks.sh serve，"
           "或 pip install 'budget-author[web]'。")
SERVE_HELP = """\b
退出码：
  0  已停止（Ctrl-C）
  2  缺少网页版的组件，或数据文件夹无法使用"""
ACCOUNT_HELP = """\b
退出码：
  0  完成
  2  输入有误（单位代码不存在、用户名已存在、CSV 中有错误的行等），什么都没有改"""

data_option = click.option("--data", "data_dir", default=DEFAULT_DATA, metavar="文件夹",
                           type=ZhPath(file_okay=False, path_type=Path),
                           help=f"数据文件夹：数据库、上传的填报表和生成的文件（与 serve 的 --data 相同；默认 {DEFAULT_DATA}）。")


def _web():
    try:
        from budget_author.web import accounts, db
    except ImportError:
        click.echo(MISSING, err=True)
        sys.exit(2)
    return accounts, db


def _session(data_dir: Path):
    _, db = _web()
    return db.open_database(data_dir).begin()


def _fail(exc: Exception) -> None:
    click.echo(f"错误：{exc}", err=True)
    sys.exit(2)


database_option = click.option(
    "--database", metavar="地址", envvar="BUDGET_AUTHOR_DATABASE", default=None,
    help="数据库地址，如 postgresql+psycopg://用户:密码@主机/budget_author（默认：数据文件夹中的 SQLite；"
         "也可以用环境变量 BUDGET_AUTHOR_DATABASE）。多台机器生成时用 PostgreSQL。")
queue_option = click.option(
    "--queue", metavar="地址", envvar="BUDGET_AUTHOR_QUEUE", default=None,
    help="消息队列（Redis）地址，如 redis://主机:6379/0（也可以用环境变量 BUDGET_AUTHOR_QUEUE）。")


@click.command("serve", cls=ZhCommand, epilog=SERVE_HELP)
@click.option("--host", default="127.0.0.1", metavar="地址",
              help="监听的地址（默认 127.0.0.1：只有本机能访问）；让各单位的电脑访问时用 0.0.0.0 或本机的内网地址。")
@click.option("--port", default=8000, type=ZhIntRange(1, 65535), metavar="端口", help="监听的端口（默认 8000）。")
@click.option("--trusted-proxy", default=None, metavar="地址",
              help="前面的反向代理（如 nginx）的地址，如 127.0.0.1。只有来自它的请求才采信 X-Forwarded-For 中的"
                   "浏览器地址（登录次数限制按地址计）；不用代理时不要设置。")
@data_option
@database_option
@queue_option
def serve_command(host: str, port: int, trusted_proxy: str | None, data_dir: Path, database: str | None,
                  queue: str | None) -> None:
    """启动网页版：各单位的财务人员用浏览器登录、上传填报表、查看问题和生成的文件、提交审核；
    财政局审核人员查看本地区各单位的状态、审核发布。

    第一次启动时在数据文件夹中建立数据库；账号用 budget-author units、budget-author users 命令建立。
    不加 --queue 时生成在本服务器的后台线程中进行（排版进程常驻），不需要另外安装或启动其他服务；
    加 --queue 时由各台机器上的 budget-author worker 生成。按 Ctrl-C 停止。
    """
    try:
        import uvicorn

        from budget_author.web.app import create_app
    except ImportError:
        click.echo(MISSING, err=True)
        sys.exit(2)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock = _lock_data_folder(data_dir)
        if lock is None:
            click.echo(f"另一个 budget-author serve 正在使用数据文件夹 {data_dir.resolve()}。"
                       "同一个数据文件夹只能由一个 serve 使用；请先停止它，或换一个 --data。", err=True)
            sys.exit(2)
        app = create_app(data_dir, database=database, queue=queue)
    except OSError as exc:
        click.echo(f"无法使用数据文件夹 {data_dir}：{exc.strerror or exc}。", err=True)
        sys.exit(2)
    except Exception as exc:  # noqa: BLE001 - the database or the queue address is wrong or unreachable
        _unreachable(exc)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    builds = f"生成：消息队列 {_safe_url(queue)}" if queue else "生成：本服务器的后台线程"
    click.echo(f"网页版：http://{shown}:{port}/  数据文件夹：{data_dir.resolve()}  {builds}  按 Ctrl-C 停止。")
    # X-Forwarded-For is believed only from the proxy the administrator names: otherwise any client on this
    # machine (or behind a proxy that passes the header through) could choose its own address for the
    # sign-in limit.
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False,
                proxy_headers=trusted_proxy is not None, forwarded_allow_ips=trusted_proxy or "")
    lock.close()


WORKER_HELP = """\b
退出码：
  0  已停止（Ctrl-C 或 SIGTERM；正在生成的任务交给其他 worker）
  2  缺少组件、没有给出 --queue 或 --database，或连接不上数据库"""


@click.command("worker", cls=ZhCommand, epilog=WORKER_HELP)
@database_option
@queue_option
def worker_command(database: str | None, queue: str | None) -> None:
    """在本机运行一个生成进程：从消息队列（Redis）取任务，从数据库读取填报表，生成后写回数据库。

    生成的 PDF、网页版、公开表、变化清单和页面图片都写回数据库。与网页版服务器只共用数据库和消息队列，
    不需要共享的磁盘；可以在任意多台机器上各运行几个（每个进程同时生成一个文件，排版进程常驻）。
    被强行终止时，它正在生成的任务在租约到期后由其他 worker 重新生成。
    """
    import logging

    try:
        from budget_author.web import jobs
        from budget_author.web.db import open_database
        from budget_author.web.engine import Engine
    except ImportError:
        click.echo(MISSING, err=True)
        sys.exit(2)
    if not queue or not database:
        click.echo("错误：worker 需要 --queue（Redis 地址，或环境变量 BUDGET_AUTHOR_QUEUE）和 --database"
                   "（数据库地址，或环境变量 BUDGET_AUTHOR_DATABASE），与网页版服务器的相同。", err=True)
        sys.exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("huey").setLevel(logging.WARNING)
    try:
        sessions = open_database(None, database)
        engine = Engine(sessions, url=queue, worker=jobs.worker_name())
    except Exception as exc:  # noqa: BLE001
        _unreachable(exc)

    @engine.huey.on_startup()
    def warm() -> None:  # in the build thread: the render process lives as long as it
        from budget_author.render.worker import default_worker

        default_worker().warm()

    click.echo(f"worker {engine.builder.worker}：消息队列 {_safe_url(queue)}，数据库 {_safe_url(database)}。"
               "按 Ctrl-C 停止。", err=True)
    engine.start_sweeper()
    consumer = engine.consumer(in_process=False)
    try:
        consumer.run()
    finally:
        engine.stop()
        returned = jobs.release(sessions, engine.builder.worker)
        engine.send(returned)


def _safe_url(url: str | None) -> str:
    """An address as shown: without its password."""
    import re

    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url or "")


def _unreachable(exc: Exception) -> None:
    click.echo(f"错误：无法使用数据库或消息队列：{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
               err=True)
    sys.exit(2)


def _lock_data_folder(data_dir: Path):
    """Hold DIR/.serve.lock for the life of the server (the build queue assumes it is the only one); None when
    another serve holds it."""
    handle = open(data_dir / ".serve.lock", "a+")
    try:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except ImportError:  # pragma: no cover - Windows: no second-server guard
        return handle
    except BlockingIOError:
        handle.close()
        return None
    return handle


@click.group("units", cls=ZhGroup, epilog=ACCOUNT_HELP, subcommand_metavar="命令 [参数]...")
def units_group() -> None:
    """登记网页版的单位（单位代码、名称、地区、公开标准、年度）。"""


@units_group.command("add", epilog=ACCOUNT_HELP)
@click.argument("code", metavar="单位代码")
@click.argument("name", metavar="单位名称")
@click.option("--region", required=True, metavar="地区", help="单位所在的地区，如 汾阳市；审核人员按地区审核。")
@click.option("--year", required=True, type=ZhIntRange(2000, 2100), metavar="年度", help="预算年度，如 2025。")
@click.option("--profile", type=ZhProfile(), default="shanxi", metavar="标准", help="公开标准（默认 shanxi）。")
@data_option
def units_add(code: str, name: str, region: str, year: int, profile: str, data_dir: Path) -> None:
    """登记一个单位。"""
    accounts, _ = _web()
    try:
        with _session(data_dir) as session:
            unit = accounts.add_unit(session, code, name, region, profile, year)
            click.echo(f"已登记单位：{unit.code} {unit.name}（{unit.region}，{unit.year} 年度，{unit.profile}）")
    except accounts.AccountError as exc:
        _fail(exc)


@units_group.command("import", epilog=ACCOUNT_HELP)
@click.argument("csv_file", metavar="CSV文件", type=ZhPath(dir_okay=False, exists=True, path_type=Path))
@data_option
def units_import(csv_file: Path, data_dir: Path) -> None:
    """从 CSV 文件批量登记单位。第一行是列名：单位代码,单位名称,地区,公开标准,年度（公开标准可不填，
    默认 shanxi）。已登记的单位代码按 CSV 更新。有任何一行错误时什么都不导入，并列出每个错误的行。"""
    accounts, _ = _web()
    try:
        with _session(data_dir) as session:
            units = accounts.import_units(session, csv_file.read_bytes())
            click.echo(f"已导入 {len(units)} 个单位。")
    except accounts.AccountError as exc:
        _fail(exc)


@units_group.command("list", epilog=ACCOUNT_HELP)
@data_option
def units_list(data_dir: Path) -> None:
    """列出已登记的单位。"""
    _, db = _web()
    from sqlalchemy import select

    with _session(data_dir) as session:
        for unit in session.scalars(select(db.Unit).order_by(db.Unit.region, db.Unit.code)):
            click.echo(f"{unit.code}\t{unit.name}\t{unit.region}\t{unit.profile}\t{unit.year}")


@click.group("users", cls=ZhGroup, epilog=ACCOUNT_HELP, subcommand_metavar="命令 [参数]...")
def users_group() -> None:
    """管理网页版的账号：填报人员（一个单位）、审核人员（一个地区）、管理员。"""


password_stdin = click.option("--password-stdin", is_flag=True,
                              help="从标准输入读取密码（一行）；不用时生成一个随机密码并打印出来。")


def _password(from_stdin: bool) -> tuple[str, bool]:
    accounts, _ = _web()
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    return accounts.new_password(), True


@users_group.command("add", epilog=ACCOUNT_HELP)
@click.argument("username", metavar="用户名")
@click.option("--role", required=True, type=ZhChoice(["clerk", "reviewer", "admin"]), metavar="角色",
              help="clerk：填报人员（需 --unit）；reviewer：审核人员（需 --region）；admin：管理员。")
@click.option("--unit", "unit_code", metavar="单位代码", help="填报人员所属单位的代码（先用 units add 登记）。")
@click.option("--region", metavar="地区", help="审核人员负责的地区（与单位登记的地区相同）。")
@click.option("--name", "display_name", default="", metavar="姓名", help="显示的姓名。")
@password_stdin
@data_option
def users_add(username: str, role: str, unit_code: str | None, region: str | None, display_name: str,
              password_stdin: bool, data_dir: Path) -> None:
    """建立一个账号。"""
    accounts, _ = _web()
    password, generated = _password(password_stdin)
    try:
        with _session(data_dir) as session:
            user = accounts.add_user(session, username, role, password=password, display_name=display_name,
                                     unit_code=unit_code, region=region)
            click.echo(f"已建立账号：{user.username}（{accounts.role_label(user.role)}）")
    except accounts.AccountError as exc:
        _fail(exc)
    if generated:
        click.echo(f"初始密码：{password}")


@users_group.command("import", epilog=ACCOUNT_HELP)
@click.argument("csv_file", metavar="CSV文件", type=ZhPath(dir_okay=False, exists=True, path_type=Path))
@data_option
def users_import(csv_file: Path, data_dir: Path) -> None:
    """从 CSV 文件批量建立账号。第一行是列名：用户名,姓名,角色,单位代码,地区,初始密码。角色写 clerk/填报人员、
    reviewer/审核人员 或 admin/管理员；填报人员填单位代码，审核人员填地区。初始密码不填时生成随机密码，
    并在最后列出。有任何一行错误时什么都不导入，并列出每个错误的行。"""
    accounts, _ = _web()
    try:
        with _session(data_dir) as session:
            imported = accounts.import_users(session, csv_file.read_bytes())
            click.echo(f"已建立 {len(imported)} 个账号。")
            generated = [(i.user.username, i.password) for i in imported if i.password]
    except accounts.AccountError as exc:
        _fail(exc)
    if generated:
        click.echo("生成的初始密码（请分别交给本人，登录后请管理员视需要重设）：")
        for username, password in generated:
            click.echo(f"{username}\t{password}")


@users_group.command("list", epilog=ACCOUNT_HELP)
@data_option
def users_list(data_dir: Path) -> None:
    """列出账号。"""
    accounts, db = _web()
    from sqlalchemy import select

    with _session(data_dir) as session:
        for user in session.scalars(select(db.User).order_by(db.User.role, db.User.username)):
            where = user.unit.code + " " + user.unit.name if user.unit else (user.region or "")
            state = "" if user.active else "\t已停用"
            click.echo(f"{user.username}\t{user.display_name}\t{accounts.role_label(user.role)}\t{where}{state}")


@users_group.command("passwd", epilog=ACCOUNT_HELP)
@click.argument("username", metavar="用户名")
@password_stdin
@data_option
def users_passwd(username: str, password_stdin: bool, data_dir: Path) -> None:
    """重设密码（该账号已登录的页面全部退出）。"""
    accounts, _ = _web()
    password, generated = _password(password_stdin)
    try:
        with _session(data_dir) as session:
            accounts.set_password(session, username, password)
    except accounts.AccountError as exc:
        _fail(exc)
    click.echo(f"已重设 {username} 的密码。" + (f"新密码：{password}" if generated else ""))


@users_group.command("disable", epilog=ACCOUNT_HELP)
@click.argument("username", metavar="用户名")
@data_option
def users_disable(username: str, data_dir: Path) -> None:
    """停用账号（不能再登录，已登录的页面全部退出；记录保留）。"""
    accounts, _ = _web()
    try:
        with _session(data_dir) as session:
            accounts.set_active(session, username, False)
    except accounts.AccountError as exc:
        _fail(exc)
    click.echo(f"已停用 {username}。")


@users_group.command("enable", epilog=ACCOUNT_HELP)
@click.argument("username", metavar="用户名")
@data_option
def users_enable(username: str, data_dir: Path) -> None:
    """重新启用停用的账号。"""
    accounts, _ = _web()
    try:
        with _session(data_dir) as session:
            accounts.set_active(session, username, True)
    except accounts.AccountError as exc:
        _fail(exc)
    click.echo(f"已启用 {username}。")


def register(cli: click.Group) -> None:
    for command in (serve_command, worker_command, units_group, users_group):
        cli.add_command(command)
