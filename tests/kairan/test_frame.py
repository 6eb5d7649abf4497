"""The project's frame: `platform/` never shadows the standard library's `platform`."""

import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_platform_is_the_standard_library_module_inside_the_project() -> None:
    import platform

    assert Path(platform.__file__).parent != ROOT / "platform"
    assert platform.system() == "Linux"


def test_platform_folder_is_not_a_package() -> None:
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_stripe_and_boto3_import_beside_the_project() -> None:
    # Both import the standard library's platform module; a shadowing package breaks them.
    for name in ("stripe", "boto3", "botocore.session"):
        assert importlib.import_module(name)


def test_a_fresh_interpreter_from_the_project_root_sees_the_real_platform() -> None:
    code = (
        "import django, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kairan.settings_test');"
        "django.setup(); import platform, stripe, boto3; print(platform.system())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().endswith("Linux")
