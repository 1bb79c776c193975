"""Show or send the reminders of one day.

    manage.py send_reminders --date 2026-12-01 --partnership york --dry-run

--dry-run lists what would be sent that day, to whom, and what the sent log already
holds, without recording or sending anything. Without it the day's job is queued for
the Celery worker (the same job beat runs each morning; running it again sends nothing
twice).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.models import SentReminder, is_essential
from partnership.models import Partnership, User

from ...reminders import plan
from ...tasks import reminders_for_partnership


class Command(BaseCommand):
    help = "Show (--dry-run) or send the reminders due on a day."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day, YYYY-MM-DD (default: today in London)")
        parser.add_argument("--partnership", help="The partnership's web address, e.g. york")
        parser.add_argument("--dry-run", action="store_true", help="Show, do not send")

    def handle(self, *args, **options):
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError("--date must be a date such as 2026-12-01") from error
        day = day or timezone.localdate()
        partnerships = Partnership.objects.order_by("name")
        if options["partnership"]:
            partnerships = partnerships.filter(slug=options["partnership"])
            if not partnerships.exists():
                raise CommandError(f"No partnership has the web address {options['partnership']}")
        for partnership in partnerships:
            if options["dry_run"]:
                self._show(partnership, day)
            else:
                reminders_for_partnership.delay(partnership.pk, day.isoformat())
                self.stdout.write(f"{partnership.name}: reminders for {day} queued for the worker")

    def _show(self, partnership, day):
        dues = plan(partnership, day)
        emails = dict(
            User.objects.filter(pk__in={d.recipient_id for d in dues}).values_list("pk", "email")
        )
        logged = set(
            SentReminder.objects.filter(
                partnership=partnership, subject__in={d.subject for d in dues}
            ).values_list("subject", "kind", "due_date", "recipient_id")
        )
        self.stdout.write(f"{partnership.name}, {day:%A %-d %B %Y}: {len(dues)} reminders due")
        new = 0
        for d in sorted(dues, key=lambda d: (d.kind, d.subject, emails.get(d.recipient_id, ""))):
            already = (d.subject, d.kind, d.due_date, d.recipient_id) in logged
            new += not already
            mark = "already sent" if already else "would send"
            kind = d.kind + ("" if is_essential(d.kind) else " (optional)")
            self.stdout.write(f"  {mark:12}  {emails.get(d.recipient_id)}  {kind}  {d.title}")
        self.stdout.write(f"{new} would be sent; nothing was recorded or sent (dry run).")
