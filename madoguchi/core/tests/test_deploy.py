"""The production settings: Django's deployment checklist passes, and missing secrets stop the start."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

CHECK = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]


@pytest.fixture
def production_env(tmp_path):
    # The suite's own switches (conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright) stay out of it.
    leave_out = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
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
