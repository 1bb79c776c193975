from django.core.management.base import BaseCommand

from audits import demo as audits_demo
from partnership import demo as partnership_demo
from reporting import demo as reporting_demo
from voice import yswd_demo


class Command(BaseCommand):
    help = "Load the demo partnerships and accounts. Running it again changes nothing."

    def handle(self, *args, **options):
        rows = partnership_demo.load()
        audit_count = audits_demo.load()
        reporting_demo.load()
        yswd_demo.load()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Demo accounts:"))
        width = max(len(email) for email, _ in rows)
        for email, description in rows:
            self.stdout.write(f"  {email.ljust(width)}  {description}")
        self.stdout.write(f"  Password for every demo account: {partnership_demo.DEMO_PASSWORD}")
        self.stdout.write(f"  Audits in the demo partnerships: {audit_count}")
