from django.core.management.base import BaseCommand

from voice.surveys.services import survey_text_retention_run


class Command(BaseCommand):
    help = "Removes the free text and contact details of survey answers older than "
    "SURVEY_TEXT_DAYS. --dry-run shows how many it would remove."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="change nothing")

    def handle(self, *args, dry_run=False, **options):
        report = survey_text_retention_run(dry_run=dry_run)
        prefix = "Would do (dry run): " if dry_run else "Done: "
        for line in report.lines():
            self.stdout.write(prefix + line)
