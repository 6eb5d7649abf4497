"""Backups of one association: its schema, and its rows in the public schema.

An archive is a tar file holding `schema.pgdump` (pg_dump's custom format, of the association's
schema alone) and `manifest.json`: the association's row, its host names, its members (by
e-mail address and role, since user ids differ between databases), the schema's applied
migrations, and fingerprints of the address keys. Residents' addresses stay encrypted inside
the dump; the restoring deployment needs the same ADDRESS_KEYS and ADDRESS_HASH_KEY, and a
restore refuses to run without them rather than produce residents nobody can find or mail.

A restore may give the association a new slug, also into the database that still holds the
original: the dump is replayed in one transaction that moves the original schema's name
aside, creates the copy under the dumped name, renames the copy and gives the original its
name back. Other sessions never see the intermediate names (PostgreSQL DDL is
transactional); DDL on the original waits until the restore commits.

Client programs: PG_BIN_DIR when set, else the binaries that the `pgserver` wheel ships
(PostgreSQL 16: they dump servers up to 16, the embedded one and CI's 15 included), else the
PATH. pg_dump refuses a server newer than itself; so does this module, with a message saying
which PG_BIN_DIR to set.
"""

import hashlib
import hmac
import importlib.util
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants.connection import connection
from tenants.models import Association, Domain, Membership, User
from tenants.slugs import schema_name_for, slug_normalize, slug_problem

ARCHIVE_FORMAT = 1
_MANIFEST = "manifest.json"
_DUMP = "schema.pgdump"


class BackupError(Exception):
    """A dump or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreResult:
    association: Association
    members: list[str]
    users_created: list[str]


# --- Client programs -----------------------------------------------------------------------


def pg_bin_dir() -> Path | None:
    """The folder of pg_dump, pg_restore and psql, or None for the PATH."""
    if settings.PG_BIN_DIR:
        return Path(settings.PG_BIN_DIR)
    # Found without importing pgserver, which would look for (and warn about) a runtime folder.
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    bundled = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"
    return bundled if (bundled / "pg_dump").exists() else None


def _program(name: str) -> str:
    folder = pg_bin_dir()
    found = shutil.which(name, path=str(folder) if folder else None)
    if found is None:
        raise BackupError(f"{name} not found; set PG_BIN_DIR to the PostgreSQL client folder.")
    return found


def _program_major(program: str) -> int:
    version = subprocess.run(
        [program, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    if match is None:
        raise BackupError(f"cannot read the version of {program}: {version!r}")
    return int(match.group(1))


def _client_environment() -> dict[str, str]:
    """libpq's variables for the default database: the password never appears in argv."""
    database = settings.DATABASES["default"]
    options = database.get("OPTIONS", {})
    values = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
        "PGSSLMODE": options.get("sslmode", ""),
        "PGSSLROOTCERT": options.get("sslrootcert", ""),
        "PGCONNECT_TIMEOUT": str(options.get("connect_timeout", "")),
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, env=_client_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {result.stderr.strip()}")


# --- Fingerprints ----------------------------------------------------------------------------


def _hash_key_fingerprint() -> str:
    """Says whether two deployments share ADDRESS_HASH_KEY, and nothing about the key."""
    key = settings.ADDRESS_HASH_KEY.encode()
    return hmac.new(key, b"kairan-backup-fingerprint", hashlib.sha256).hexdigest()[:16]


def _address_key_ids() -> list[str]:
    return [item.strip().partition(":")[0] for item in settings.ADDRESS_KEYS.split(",")]


def _tenant_migrations(schema_name: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{schema_name}".django_migrations ORDER BY id'  # noqa: S608
        )
        return [list(row) for row in cursor.fetchall()]


# --- Dump ----------------------------------------------------------------------------------


def schema_dump(*, slug: str, path: Path) -> Path:
    """Write one association's schema and public rows to an archive at `path`."""
    connection.set_schema_to_public()
    association = Association.objects.filter(slug=slug, is_template=False).first()
    if association is None:
        raise BackupError(f"No association with the slug {slug!r}.")
    pg_dump = _program("pg_dump")
    client_major = _program_major(pg_dump)
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    if client_major < server_major:
        raise BackupError(
            f"pg_dump {client_major} cannot dump a PostgreSQL {server_major} server; "
            f"set PG_BIN_DIR to the bin folder of PostgreSQL {server_major} client programs."
        )

    schema_name = association.schema_name
    manifest = {
        "format": ARCHIVE_FORMAT,
        "dumped_at": timezone.now().isoformat(),
        "server_major": server_major,
        "pg_dump_major": client_major,
        "schema_name": schema_name,
        "association": {
            "slug": association.slug,
            "name": association.name,
            "representative": association.representative,
            "address": association.address,
            "created_at": association.created_at.isoformat(),
        },
        "domains": [
            {"domain": d.domain, "is_primary": d.is_primary}
            for d in Domain.objects.filter(tenant=association).order_by("domain")
        ],
        "members": [
            {
                "email": m.user.email,
                "role": m.role,
                "first_name": m.user.first_name,
                "last_name": m.user.last_name,
            }
            for m in Membership.objects.filter(association=association)
            .select_related("user")
            .order_by("user__email")
        ],
        "migrations": _tenant_migrations(schema_name),
        "address_key_ids": _address_key_ids(),
        "address_hash_key_fingerprint": _hash_key_fingerprint(),
    }

    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="kairan-dump-") as scratch:
        dump = Path(scratch) / _DUMP
        _run(
            [
                pg_dump, "--format=custom", f'--schema="{schema_name}"',
                "--no-owner", "--no-privileges", f"--file={dump}",
            ]
        )  # fmt: skip
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(_MANIFEST)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=_DUMP)
        partial.replace(path)  # a crash mid-way never leaves a truncated archive at `path`
    return path


# --- Restore -------------------------------------------------------------------------------


def _archive_read(path: Path, scratch: Path) -> tuple[dict, Path]:
    try:
        with tarfile.open(path, "r") as archive:
            manifest_file = archive.extractfile(_MANIFEST)
            dump_file = archive.extractfile(_DUMP)
            if manifest_file is None or dump_file is None:
                raise KeyError(_DUMP)
            manifest = json.loads(manifest_file.read())
            dump = scratch / _DUMP
            with open(dump, "wb") as out:
                shutil.copyfileobj(dump_file, out)
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError) as error:
        raise BackupError(f"{path} is not a Kairan schema archive ({error}).") from error
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"Archive format {manifest.get('format')!r} is not supported.")
    return manifest, dump


def _restorable_check(manifest: dict) -> None:
    """Refuse archives whose residents this deployment could not find or mail."""
    if manifest["address_hash_key_fingerprint"] != _hash_key_fingerprint():
        raise BackupError(
            "This deployment's ADDRESS_HASH_KEY differs from the one the archive was made "
            "with: no resident could be found by address. Restore with the same key."
        )
    missing = sorted(set(manifest["address_key_ids"]) - set(_address_key_ids()))
    if missing:
        raise BackupError(
            f"ADDRESS_KEYS lacks the key ids {', '.join(missing)} that the archive's "
            "deployment had: residents' addresses encrypted with them could not be read."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(
            "The archive comes from newer code (unknown migrations: "
            f"{', '.join(unknown[:5])}); restore it with that version or later."
        )


def _replay(dump: Path, source: str, target: str) -> None:
    """Create schema `target` from a dump of schema `source`, in one transaction."""
    before, after = "", ""
    if source != target:
        after = f'ALTER SCHEMA "{source}" RENAME TO "{target}";\n'
        if schema_exists(source):
            # The original is still here: its name is lent to the copy inside the transaction.
            hold = f"kairan_restore_{secrets.token_hex(6)}"
            before = f'ALTER SCHEMA "{source}" RENAME TO "{hold}";\n'
            after += f'ALTER SCHEMA "{hold}" RENAME TO "{source}";\n'
    environment = _client_environment()
    # Error output goes to files: a pipe nobody reads while the data streams could fill up
    # and stall both programs.
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        restore = subprocess.Popen(
            [_program("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=environment,
        )
        psql = subprocess.Popen(
            [
                _program("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
                "--set=ON_ERROR_STOP=1", "--file=-",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=environment,
        )  # fmt: skip
        assert restore.stdout is not None and psql.stdin is not None
        try:
            psql.stdin.write(before.encode())
            shutil.copyfileobj(restore.stdout, psql.stdin)
            if restore.wait() != 0:
                # A truncated script must not be committed: psql dies before it ends, and
                # PostgreSQL rolls the open transaction back.
                psql.kill()
            else:
                psql.stdin.write(after.encode())
                psql.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error, and rolled back; its message is read below
        restore.stdout.close()
        restore.wait()
        psql.wait()
        if psql.returncode != 0 or restore.returncode != 0:
            restore_errors.seek(0)
            psql_errors.seek(0)
            problems = (restore_errors.read() + psql_errors.read()).decode().strip()
            raise BackupError(f"The restore failed and was rolled back: {problems}")


def schema_restore(*, path: Path, slug: str | None = None) -> RestoreResult:
    """Restore an archive as a new association (under `slug`, or the one it was dumped with)."""
    connection.set_schema_to_public()
    with tempfile.TemporaryDirectory(prefix="kairan-restore-") as scratch:
        manifest, dump = _archive_read(Path(path), Path(scratch))
        _restorable_check(manifest)
        slug = slug_normalize(slug or manifest["association"]["slug"])
        problem = slug_problem(slug)
        if problem:
            raise BackupError(f"{slug!r}: {problem}")
        schema_name = schema_name_for(slug)
        domain = f"{slug}.{settings.BASE_DOMAIN}"
        if (
            Association.objects.filter(slug__iexact=slug).exists()
            or Association.objects.filter(schema_name__iexact=schema_name).exists()
            or Domain.objects.filter(domain=domain).exists()
            or schema_exists(schema_name)
        ):
            raise BackupError(
                f"The slug {slug!r} is taken here; restore with --slug and a free one."
            )
        _replay(dump, manifest["schema_name"], schema_name)

    try:
        result = _public_rows_create(manifest, slug=slug, schema_name=schema_name, domain=domain)
    except Exception:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
        raise
    # The archive may predate the code: bring the schema to today's migrations.
    call_command("migrate_schemas", schema_name=schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    return result


def _public_rows_create(
    manifest: dict, *, slug: str, schema_name: str, domain: str
) -> RestoreResult:
    from allauth.account.models import EmailAddress

    fields = manifest["association"]
    with transaction.atomic():
        association = Association(
            schema_name=schema_name,
            slug=slug,
            name=fields["name"],
            representative=fields["representative"],
            address=fields["address"],
        )
        association.auto_create_schema = False  # the schema was restored above
        association.save(verbosity=0)
        # auto_now_add ignores a value given on create.
        Association.objects.filter(pk=association.pk).update(created_at=fields["created_at"])
        Domain.objects.create(domain=domain, tenant=association, is_primary=True)
        members, created = [], []
        for member in manifest["members"]:
            user = User.objects.filter(email__iexact=member["email"]).first()
            if user is None:
                # Without a password: the person sets one through "forgot password".
                user = User.objects.create_user(
                    member["email"],
                    password=None,
                    first_name=member["first_name"],
                    last_name=member["last_name"],
                )
                EmailAddress.objects.create(
                    user=user, email=user.email, verified=True, primary=True
                )
                created.append(user.email)
            Membership.objects.create(user=user, association=association, role=member["role"])
            members.append(user.email)
    association.refresh_from_db()
    return RestoreResult(association=association, members=members, users_created=created)
