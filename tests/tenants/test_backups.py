"""One association's backup: dump it, restore it into a fresh database or beside itself."""

import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists, tenant_context

from delivery.address_crypto import address_decrypt, address_hash
from delivery.audience import Audience
from delivery.models import Subscriber
from delivery.services.notices import notice_create
from tenants.connection import connection
from tenants.models import Association, Membership
from tests.conftest import client_for, staff_client
from tests.factories import association_make, group_make, subscriber_make, user_make

pytestmark = pytest.mark.usefixtures("transactional_platform")

ROOT = Path(__file__).resolve().parents[2]
ADDRESSES = {"sato@example.jp": "佐藤", "suzuki@docomo.ne.jp": "鈴木", "yamada@ezweb.ne.jp": "山田"}


def _association_with_everything(slug: str) -> Association:
    owner = user_make(f"kaicho-{slug}@example.org")
    association = association_make(slug=slug, owner=owner, name="一関市あおば自治会")
    Membership.objects.create(
        user=user_make(f"shoki-{slug}@example.org"), association=association, role="editor"
    )
    han1 = group_make(association, "1班")
    han2 = group_make(association, "2班")
    for index, (address, name) in enumerate(ADDRESSES.items()):
        subscriber_make(association, name, address, groups=[han1 if index < 2 else han2])
    with tenant_context(association):
        notice_create(
            author=owner,
            subject="総会のお知らせ",
            body="本文",
            audience=Audience(group_ids=(han1.pk,)),
        )
        notice_create(author=owner, subject="清掃", body="日曜日", audience=Audience(everyone=True))
    connection.set_schema_to_public()
    return association


def _tables(cursor, schema: str) -> dict[str, list[tuple]]:
    """Every table of a schema with all its rows, in primary-key order."""
    cursor.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
        "AND table_type = 'BASE TABLE' ORDER BY table_name",
        [schema],
    )
    names = [row[0] for row in cursor.fetchall()]
    contents = {}
    for name in names:
        cursor.execute(f'SELECT * FROM "{schema}"."{name}" ORDER BY 1')  # noqa: S608
        contents[name] = cursor.fetchall()
    return contents


def _public_rows(cursor, slug: str) -> dict:
    cursor.execute(
        "SELECT a.name, a.representative, a.address, a.created_at, a.is_template "
        "FROM tenants_association a WHERE a.slug = %s",
        [slug],
    )
    association = cursor.fetchone()
    cursor.execute(
        "SELECT d.domain, d.is_primary FROM tenants_domain d "
        "JOIN tenants_association a ON a.id = d.tenant_id WHERE a.slug = %s",
        [slug],
    )
    domains = cursor.fetchall()
    cursor.execute(
        "SELECT u.email, m.role FROM tenants_membership m JOIN tenants_user u ON u.id = m.user_id "
        "JOIN tenants_association a ON a.id = m.association_id WHERE a.slug = %s "
        "ORDER BY u.email",
        [slug],
    )
    return {"association": association, "domains": domains, "members": cursor.fetchall()}


def _database_url(name: str) -> str:
    params = connection.settings_dict
    credentials = quote(params["USER"] or "", safe="")
    if params.get("PASSWORD"):
        credentials += ":" + quote(params["PASSWORD"], safe="")
    host = quote(params["HOST"] or "", safe="")
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{name}"


def _connect(name: str) -> psycopg.Connection:
    params = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        user=params["USER"],
        password=params.get("PASSWORD") or None,
        host=params["HOST"] or None,
        port=params.get("PORT") or None,
        autocommit=True,
    )


@pytest.fixture
def fresh_database():
    """An empty database on the same server, named after the test database."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with _connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _kairan(database: str, *args: str) -> subprocess.CompletedProcess:
    """The `kairan` command, as an operator runs it, against another database."""
    environment = {**os.environ, "DATABASE_URL": _database_url(database)}
    environment["DJANGO_SETTINGS_MODULE"] = "kairan.settings_test"
    return subprocess.run(
        [sys.executable, "-m", "kairan.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_association_restored_into_a_fresh_database_is_the_same(
    tmp_path, fresh_database
) -> None:
    original = _association_with_everything("aoba")
    archive = tmp_path / "aoba.tar"
    call_command("schema_dump", "aoba", str(archive))
    with tarfile.open(archive) as contents:
        assert sorted(contents.getnames()) == ["manifest.json", "schema.pgdump"]
        manifest = contents.extractfile("manifest.json").read().decode()
    assert "sato@example.jp" not in manifest  # residents stay inside the encrypted dump

    # A new deployment: migrate it, then restore.
    setup = _kairan(fresh_database, "setup", "--verbosity=0")
    assert setup.returncode == 0, setup.stderr
    restored = _kairan(fresh_database, "schema_restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Restored 一関市あおば自治会 as aoba (as_aoba), 2 member(s)." in restored.stdout
    # Both staff accounts were new to that database; they set a password by reset.
    assert restored.stdout.count("new account without a password") == 2

    with connection.cursor() as cursor:
        source_tables = _tables(cursor, original.schema_name)
        source_public = _public_rows(cursor, "aoba")
    with _connect(fresh_database) as target, target.cursor() as cursor:
        target_tables = _tables(cursor, "as_aoba")
        target_public = _public_rows(cursor, "aoba")
        cursor.execute(
            "SELECT email_hash, email_key_id, email_ciphertext FROM as_aoba.delivery_subscriber"
        )
        by_hash = {row[0]: row[1:] for row in cursor.fetchall()}

    assert target_tables.keys() == source_tables.keys()
    counts = {name: len(rows) for name, rows in target_tables.items()}
    assert counts["delivery_subscriber"] == 3
    assert counts["delivery_group"] == 2
    assert counts["delivery_notice"] == 2
    assert counts["delivery_delivery"] == 3 + 3 + 2 + 3  # confirm, welcome, 1班, everyone
    assert counts["delivery_subscriber_groups"] == 3
    for name, rows in source_tables.items():
        assert target_tables[name] == rows, name
    assert target_public == source_public
    assert target_public["domains"] == [("aoba.kairan.test", True)]

    # The copied ciphertexts still open, and the blind index still finds each resident.
    for address in ADDRESSES:
        key_id, ciphertext = by_hash[address_hash(address)]
        assert address_decrypt(key_id, ciphertext) == address


def test_a_copy_restored_beside_the_original_under_a_new_slug_serves_its_own_host(
    tmp_path,
) -> None:
    original = _association_with_everything("kaede")
    owner = Membership.objects.get(association=original, role="owner").user
    archive = tmp_path / "kaede.tar"
    call_command("schema_dump", "kaede", str(archive))
    with connection.cursor() as cursor:
        before = _tables(cursor, original.schema_name)

    call_command("schema_restore", str(archive), slug="kaede-copy")

    copy = Association.objects.get(slug="kaede-copy")
    assert copy.schema_name == "as_kaede_copy"
    with connection.cursor() as cursor:
        assert _tables(cursor, "as_kaede_copy") == before
        assert _tables(cursor, original.schema_name) == before  # the original, untouched
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kairan_restore%%'")
        assert cursor.fetchall() == []
    # Accounts existed already: the same people serve the copy.
    assert staff_client(copy, owner).get("/staff/subscribers/").status_code == 200
    assert "佐藤" in staff_client(copy, owner).get("/staff/subscribers/").content.decode()
    assert staff_client(original, owner).get("/staff/").status_code == 200
    assert client_for(copy).get("/").status_code == 200
    # Rows written to the copy do not appear in the original.
    with tenant_context(copy):
        Subscriber.objects.filter(display_name="佐藤").delete()
    with tenant_context(original):
        assert Subscriber.objects.filter(display_name="佐藤").exists()


def test_restore_refuses_a_taken_slug_and_changes_nothing(tmp_path) -> None:
    _association_with_everything("tsubaki")
    archive = tmp_path / "tsubaki.tar"
    call_command("schema_dump", "tsubaki", str(archive))
    with pytest.raises(CommandError, match="is taken here; restore with --slug"):
        call_command("schema_restore", str(archive))
    assert Association.objects.filter(slug="tsubaki").count() == 1


def test_restore_refuses_an_archive_made_with_another_address_hash_key(tmp_path, settings) -> None:
    _association_with_everything("momiji")
    archive = tmp_path / "momiji.tar"
    call_command("schema_dump", "momiji", str(archive))
    settings.ADDRESS_HASH_KEY = "another-deployments-key"
    with pytest.raises(CommandError, match="ADDRESS_HASH_KEY differs"):
        call_command("schema_restore", str(archive), slug="momiji2")
    assert not schema_exists("as_momiji2")
    assert not Association.objects.filter(slug="momiji2").exists()


def test_dump_of_an_unknown_association_says_so(tmp_path) -> None:
    with pytest.raises(CommandError, match="No association with the slug 'nowhere'"):
        call_command("schema_dump", "nowhere", str(tmp_path / "x.tar"))
    assert not (tmp_path / "x.tar").exists()


def test_the_bundled_client_programs_are_used_by_default() -> None:
    from tenants.backups import pg_bin_dir

    assert settings.PG_BIN_DIR is None
    assert pg_bin_dir() is not None and (pg_bin_dir() / "pg_restore").exists()


def test_a_truncated_archive_restores_nothing(tmp_path) -> None:
    _association_with_everything("hinoki")
    archive = tmp_path / "hinoki.tar"
    call_command("schema_dump", "hinoki", str(archive))
    with tarfile.open(archive) as contents:
        manifest = contents.extractfile("manifest.json").read()
        dump = contents.extractfile("schema.pgdump").read()
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(damaged, "w") as out:
        for name, data in (("manifest.json", manifest), ("schema.pgdump", dump[: len(dump) // 2])):
            (tmp_path / name).write_bytes(data)
            out.add(tmp_path / name, arcname=name)

    with pytest.raises(CommandError, match="failed and was rolled back"):
        call_command("schema_restore", str(damaged), slug="hinoki2")
    assert not schema_exists("as_hinoki2")
    assert not Association.objects.filter(slug="hinoki2").exists()
