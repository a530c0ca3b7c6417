"""The production settings: Django's deployment checklist passes, missing secrets stop the start, SQLite
only when asked for, logs in JSON."""

import os
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

# Settings and files checked in separate processes, whatever database the suite runs on: once is enough.
pytestmark = pytest.mark.database_independent

CHECK = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]


@pytest.fixture
def production_env(tmp_path):
    # The suite's own switches (conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright) stay out of it.
    leave_out = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "ALLOW_SQLITE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="example.org",
        DATABASE_URL="postgres://madoguchi@db.internal/madoguchi",  # `check` connects to no database
        MADOGUCHI_VAR_DIR=str(tmp_path / "var"),
    )
    return env


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(CHECK, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_settings(production_env):
    result = run_check(production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("name", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without(production_env, name):
    del production_env[name]

    result = run_check(production_env)

    assert result.returncode != 0
    assert f"{name} must be set" in result.stderr


def test_production_settings_refuse_a_short_secret_key(production_env):
    production_env["SECRET_KEY"] = "too-short"

    result = run_check(production_env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_sqlite_unless_explicitly_allowed(production_env, tmp_path):
    production_env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'office.sqlite3'}"

    refused = run_check(production_env)
    allowed = run_check({**production_env, "ALLOW_SQLITE": "1"})

    assert refused.returncode != 0
    assert "SQLite" in refused.stderr and "ALLOW_SQLITE=1" in refused.stderr
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr


def test_production_logs_json_by_default_and_plain_when_asked(production_env):
    show = [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
            "print(settings.LOGGING['handlers']['console']['formatter'])"]
    production_env.pop("LOG_FORMAT", None)

    default = subprocess.run(show, cwd=settings.BASE_DIR, env=production_env, capture_output=True, text=True,
                             timeout=120)
    plain = subprocess.run(show, cwd=settings.BASE_DIR, env={**production_env, "LOG_FORMAT": "plain"},
                           capture_output=True, text=True, timeout=120)

    assert (default.stdout.strip(), plain.stdout.strip()) == ("json", "plain"), default.stderr + plain.stderr


def test_production_redirects_plain_http_to_https_except_for_probes_on_the_apps_port(production_env, tmp_path):
    probe = ("import django; django.setup()\n"
             "from django.test import Client\n"
             "c = Client(HTTP_HOST='example.org')\n"
             "print([c.get(url).status_code for url in ('/healthz', '/readyz', '/metrics', '/navigator/')])\n")
    production_env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'pilot.sqlite3'}", ALLOW_SQLITE="1",
                          LOG_LEVEL="CRITICAL")

    result = subprocess.run([sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=production_env,
                            capture_output=True, text=True, timeout=120)

    # /readyz: 503, the database has no tables yet; the point is that it answered instead of redirecting.
    assert result.stdout.strip() == "[200, 503, 200, 301]", result.stderr


# deploy/systemd: the example units are valid for systemd and run commands that exist.

UNITS = Path(settings.BASE_DIR) / "deploy" / "systemd"


def exec_start(unit: Path) -> list[str]:
    text = unit.read_text().replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart="))


def test_every_service_runs_a_command_this_code_has():
    from django.core.management import get_commands

    services = sorted(UNITS.glob("*.service"))
    commands = {unit.name: exec_start(unit) for unit in services}

    app = commands.pop("madoguchi.service")
    assert app[:2] == ["/srv/madoguchi/.venv/bin/gunicorn", "config.wsgi"]
    assert app[app.index("-c") + 1] == "config/gunicorn.conf.py"  # the access log without query strings
    assert (Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py").is_file()
    ran = {argv[2] for argv in commands.values() if argv[1] == "manage.py"}
    assert ran == {"purge_personal_data", "preapply_purge", "backup"}
    assert ran <= set(get_commands())
    for unit in services:
        if unit.name != "madoguchi.service":
            assert (UNITS / unit.name.replace(".service", ".timer")).is_file(), f"{unit.name} has no timer"


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not found (Debian's systemd package)")
    # Verify checks that ExecStart's program exists: point the units at this checkout.
    for unit in UNITS.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/madoguchi", str(settings.BASE_DIR)))
    gunicorn = Path(settings.BASE_DIR) / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists():  # the suite may run from another virtualenv than the checkout's .venv
        for unit in tmp_path.iterdir():
            unit.write_text(unit.read_text().replace(str(Path(settings.BASE_DIR) / ".venv" / "bin"),
                                                     str(Path(sys.executable).parent)))

    result = subprocess.run([analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
