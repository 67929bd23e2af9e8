#!/usr/bin/env bash
# The project's two set-up-and-run commands (see README):
#   bash tasks.sh example   install what is needed, build the example PDFs into out/
#   bash tasks.sh test      install what is needed, run the test suite
#   bash tasks.sh serve     install what is needed, start the web version (`budget-author serve`; options pass on,
#                           e.g. bash tasks.sh serve --host 0.0.0.0 --port 8000 --data /srv/budget-author-data)
# Both install system packages (CJK fonts, HarfBuzz subsetter, Pango, poppler,
# LibreOffice for the workbook test) with apt when missing, and the Python
# package with its dependencies into .venv.
set -euo pipefail
cd "$(dirname "$0")"

SYSTEM_PACKAGES=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
TEST_PACKAGES=(libreoffice-calc-nogui chromium postgresql redis-server)  # chromium: tests/test_html_browser.py, tests/test_web_browser.py;
# postgresql, redis-server: the web tests on PostgreSQL and the distributed builds (tests/services.py starts them on
# loopback ports in temporary folders, as `nobody` when run as root, and stops them)
VENV=.venv

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "需要 root 权限安装系统软件包：$*" >&2; return 1; fi
}

ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ! command -v python3 >/dev/null; then missing+=(python3); fi
  if command -v python3 >/dev/null && ! python3 -c "import venv, ensurepip" 2>/dev/null; then
    missing+=(python3-venv)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
      echo "缺少系统软件包：${missing[*]}（本脚本只支持 Debian/Ubuntu 的 apt-get）" >&2; exit 1
    fi
    echo "安装系统软件包：${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e ".[test]"
}

case "${1:-}" in
  example)
    ensure_packages "${SYSTEM_PACKAGES[@]}"
    ensure_venv
    mkdir -p out
    for workbook in examples/*.xlsx; do  # every example, each in its own standard (its _meta.profile)
      name="$(basename "$workbook" .xlsx)"
      "$VENV/bin/budget-author" build "$workbook" -o "out/$name.pdf"
    done
    ;;
  test)
    ensure_packages "${SYSTEM_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    ensure_venv
    shift
    "$VENV/bin/python" -m pytest "$@"
    ;;
  serve)
    ensure_packages "${SYSTEM_PACKAGES[@]}"
    ensure_venv
    shift
    exec "$VENV/bin/budget-author" serve "$@"
    ;;
  *)
    echo "用法：bash tasks.sh example | test | serve" >&2
    exit 2
    ;;
esac
