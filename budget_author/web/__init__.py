"""`budget-author serve`: the web pages for clerks (upload, problems, build, submit) and for the finance
bureau's reviewers (status of every unit of a region, approve or return, downloads).

The modules:
- db.py        the tables (SQLAlchemy 2) and the engine; migrations/ holds the Alembic scripts, run on start
- store.py     the data folder: uploads stored by their SHA-256, build outputs by version id
- accounts.py  units and accounts (argon2 password hashes), one by one or from CSV; used by the CLI
- jobs.py      the build queue: jobs are rows; one long-lived thread builds them with the warm render process
- security.py  sessions, CSRF tokens, sign-in rate limit, security headers, the upload size limit
- app.py       the Starlette application: routes and pages (Jinja2 templates in templates/, static/)
- commands.py  the click commands `serve`, `units …` and `users …` that cli.py registers

The web dependencies are the optional extra `budget-author[web]`; nothing here is imported by check or build.
"""
