"""The restore drill: back up a database with data and files in it, restore into a new
database and media folder, and prove that rows and files match."""

import hashlib
import os
import subprocess
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from audits import services
from partnership.models import Role
from tests.conftest import make_area
from tests.factories.audits import accepted_audit, start_audit

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db(transaction=True)


def url_for(name):
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def admin_connection():
    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres",
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
    )
    conn.autocommit = True
    return conn


def row_counts(name):
    s = connection.settings_dict
    with (
        psycopg2.connect(
            dbname=name,
            user=s["USER"],
            password=s["PASSWORD"] or None,
            host=s["HOST"] or "127.0.0.1",
            port=s["PORT"] or 5432,
        ) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'public' and table_type = 'BASE TABLE' order by 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'select count(*) from "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def checksums(folder):
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(folder).rglob("*"))
        if path.is_file()
    }


def run(script, *args, database, media):
    env = {**os.environ, "DATABASE_URL": url_for(database), "DJANGO_MEDIA_ROOT": str(media)}
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args], env=env, capture_output=True, text=True
    )


@pytest.fixture
def postgres():
    if not connection.vendor == "postgresql":
        pytest.skip("The restore drill runs on PostgreSQL (CI always has it)")
    return connection.settings_dict["NAME"]


def test_backup_and_restore_give_back_every_row_and_file(postgres, tmp_path, settings):
    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**django_settings.STORAGES["default"], "OPTIONS": {"location": str(media)}},
    }
    area = make_area("drill")
    accepted_audit(area)
    draft = start_audit(area, area.members[Role.SERVICE_LEAD])
    for n in range(3):
        services.evidence_add(
            assessment=draft.assessments.get(principle__number=n + 1),
            membership=area.members[Role.SERVICE_LEAD],
            by=area.members[Role.SERVICE_LEAD].user,
            title=f"Minutes {n}",
            upload=SimpleUploadedFile(f"m{n}.pdf", b"%PDF-1.4\n" + os.urandom(2048)),
            kind_info=("pdf", "application/pdf"),
        )
    saved_files = checksums(media)
    assert len(saved_files) == 3
    saved_rows = row_counts(postgres)

    backup = tmp_path / "backup"
    started = time.monotonic()
    result = run("backup", str(backup), database=postgres, media=media)
    backup_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr

    restored_name = f"{postgres}_restored"
    restored_media = tmp_path / "restored-media"
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'drop database if exists "{restored_name}"')
        cursor.execute(f'create database "{restored_name}"')
    try:
        started = time.monotonic()
        result = run("restore", str(backup), database=restored_name, media=restored_media)
        restore_seconds = time.monotonic() - started
        assert result.returncode == 0, result.stderr
        assert row_counts(restored_name) == saved_rows
        assert checksums(restored_media) == saved_files
        print(f"\nrestore drill: backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s")

        # A second restore into the now-filled database is refused unless forced.
        again = run("restore", str(backup), database=restored_name, media=tmp_path / "empty")
        assert again.returncode == 3
        assert "use --force" in again.stderr
        forced = run(
            "restore", str(backup), "--force", database=restored_name, media=tmp_path / "empty"
        )
        assert forced.returncode == 0, forced.stderr
        assert row_counts(restored_name) == saved_rows

        # A damaged backup is refused before anything is touched.
        (backup / "media.tar.gz").write_bytes(b"not the archive")
        damaged = run(
            "restore", str(backup), "--force", database=restored_name, media=tmp_path / "x"
        )
        assert damaged.returncode == 1
        assert "checksums do not match" in damaged.stderr
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'drop database if exists "{restored_name}"')
        admin.close()
