"""`manage.py restore PATH.tar.gz`: into an empty database (migrated first), then checked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from office.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "恢复：把 backup 生成的备份恢复到空数据库和 MEDIA_ROOT，并按清单逐项核对"

    def add_arguments(self, parser):
        parser.add_argument("path", help="backup 生成的 .tar.gz 文件")
        parser.add_argument("--force", action="store_true", help="目标数据库已有数据时仍然恢复（覆盖现有数据）")

    def handle(self, *args, path, force, **options):
        try:
            manifest = backup_restore(Path(path), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["models"].values())
        self.stdout.write(f"已恢复 {path}：{rows}条记录，{len(manifest['files'])}个文件，与清单核对一致")
