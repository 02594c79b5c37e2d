"""Production settings pass Django's deployment checklist; defaults are safe."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_with_production_values():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x7!" + "k" * 60 + "Qz9-production-like-secret",
        ALLOWED_HOSTS="kemiskinan.palangkaraya.go.id",
        HTTPS="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_https():
    result = manage("check", "--deploy", SECRET_KEY="x7!" + "k" * 60, ALLOWED_HOSTS="example.org")
    assert "security.W008" in result.stderr + result.stdout


def test_a_deployment_without_secret_key_refuses_to_start():
    result = manage("check", ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_defaults_are_indonesian_jakarta_and_debug_off():
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.USE_TZ
    assert ("en", "Inggris") in [(code, str(name)) for code, name in settings.LANGUAGES]
    assert settings.DEBUG is False
    assert settings.X_FRAME_OPTIONS == "DENY"


def test_a_mistyped_trusted_proxy_refuses_to_start():
    result = manage("check", TRUSTED_PROXIES="127.0.0.1,nginx.lokal")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr
