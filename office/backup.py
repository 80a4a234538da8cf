"""Backup and restore: the whole database and every file under MEDIA_ROOT in one
.tar.gz, restorable into an empty database of either kind (SQLite or PostgreSQL).

The archive holds
- `data.xml`: Django's dumpdata of every app with primary keys kept (generic
  references — audit history, guardian grants, workflow logs — point at them) and
  content types and permissions by natural key (their ids differ between databases);
- `media/…`: the files;
- `manifest.json`: rows per model and the sha256 of every file, checked after a restore.

A restore migrates the target, refuses one that already holds users (unless forced),
replaces the rows `migrate` seeds (roles, meeting rules) with the archived ones, loads
everything in one transaction and then compares it with the manifest.
"""

import datetime
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

FORMAT = 1
DATA = "data.xml"  # XML keeps microseconds; the JSON serializer cuts them to milliseconds
MANIFEST = "manifest.json"
MEDIA = "media"
# Rebuilt by `migrate` in every database, referred to by natural key in the dump.
REBUILT = {"contenttypes.contenttype", "auth.permission"}
# Not worth carrying over: logins expire anyway.
SKIPPED = {"sessions.session"}


class BackupError(Exception):
    """Shown to the operator as it is."""


def _models():
    """Every concrete model in the dump (auto-created m2m tables travel with their owner)."""
    return [
        model for model in apps.get_models()
        if model._meta.label_lower not in REBUILT | SKIPPED and not model._meta.proxy and model._meta.managed
    ]


def _counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in _models()}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): _sha256(path) for path in sorted(root.rglob("*")) if path.is_file()}


def backup_create(target: Path) -> dict:
    """Write the archive to `target`; returns its manifest."""
    target = Path(target)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / DATA
        labels = [model._meta.label for model in _models()]
        # One read transaction, so the counts and the dump agree (web and workers may be writing).
        with transaction.atomic():
            if connection.vendor == "postgresql":  # one snapshot for every table
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command("dumpdata", *labels, format="xml", natural_foreign=True, output=str(data), verbosity=0)
            counts = _counts()
        manifest = {
            "format": FORMAT,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "models": counts,
            "files": _media_files(media_root),
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            archive.add(data, DATA)
            for name in manifest["files"]:
                archive.add(media_root / name, f"{MEDIA}/{name}")
        partial.replace(target)  # never a half-written archive under the real name
    return manifest


def _safe_members(archive: tarfile.TarFile):
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件中有不安全的路径：{member.name}")
        yield member


def backup_restore(source: Path, force: bool = False) -> dict:
    """Restore the archive into this (empty) database and MEDIA_ROOT; returns the manifest."""
    from auditlog.context import disable_auditlog
    from django.contrib.auth import get_user_model

    source = Path(source)
    if not source.exists():
        raise BackupError(f"找不到备份文件：{source}")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(scratch, members=_safe_members(archive), filter="data")
        try:
            manifest = json.loads((scratch / MANIFEST).read_text())
        except FileNotFoundError:
            raise BackupError("这不是本系统的备份文件（缺少 manifest.json）") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"备份文件格式 {manifest.get('format')} 与本系统（{FORMAT}）不符")

        call_command("migrate", interactive=False, verbosity=0)
        users = get_user_model().objects.count()
        existing = [name for name in manifest["files"] if (media_root / name).exists()]
        if not force and (users or existing):
            raise BackupError(
                f"目标数据库不是空的（已有{users}个用户，{len(existing)}个同名文件），恢复会覆盖现有数据。"
                "确认要覆盖时请加 --force。"
            )

        with transaction.atomic(), disable_auditlog():
            # The rows migrate seeded (and, with --force, everything) make way for the archived ones;
            # foreign keys are checked at commit, when both sides are in place.
            for model in _models():
                model._base_manager.all()._raw_delete(connection.alias)
                for field in model._meta.local_many_to_many:
                    field.remote_field.through._base_manager.all()._raw_delete(connection.alias)
            call_command("loaddata", str(scratch / DATA), verbosity=0)

        for name in manifest["files"]:
            destination = media_root / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(scratch / MEDIA / name, destination)

    problems = backup_verify(manifest)
    if problems:
        raise BackupError("恢复后核对不一致：" + "；".join(problems))
    return manifest


def backup_verify(manifest: dict) -> list[str]:
    """What differs between this database and media folder and the manifest."""
    problems = []
    counts = _counts()
    for label, expected in manifest["models"].items():
        if counts.get(label) != expected:
            problems.append(f"{label} 应有{expected}行，实有{counts.get(label)}行")
    media_root = Path(settings.MEDIA_ROOT)
    for name, digest in manifest["files"].items():
        path = media_root / name
        if not path.exists():
            problems.append(f"缺少文件 {name}")
        elif _sha256(path) != digest:
            problems.append(f"文件 {name} 内容不符")
    return problems
