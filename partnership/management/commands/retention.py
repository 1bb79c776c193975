from django.core.management.base import BaseCommand

from partnership.retention import retention_run


class Command(BaseCommand):
    help = "Applies each partnership's retention periods: ends unused accounts' access, "
    "anonymises long-unused accounts, removes expired invitations, old security-log entries "
    "and the evidence files of old audits. --dry-run shows what it would do."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="change nothing")

    def handle(self, *args, dry_run=False, **options):
        report = retention_run(dry_run=dry_run)
        prefix = "Would do (dry run): " if dry_run else "Done: "
        for line in report.lines():
            self.stdout.write(prefix + line)
