from django.core.management.base import BaseCommand

from audits import demo as audits_demo
from partnership import demo as partnership_demo
from reporting import demo as reporting_demo
from sso import demo as sso_demo
from voice import yswd_demo
from voice.surveys import demo as survey_demo


class Command(BaseCommand):
    help = "Load the demo partnerships and accounts. Running it again changes nothing."

    def handle(self, *args, **options):
        rows = partnership_demo.load()
        audit_count = audits_demo.load()
        reporting_demo.load()
        survey_answers = survey_demo.load()
        provider = sso_demo.load()
        yswd_demo.load()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Demo accounts:"))
        width = max(len(email) for email, _ in rows)
        for email, description in rows:
            self.stdout.write(f"  {email.ljust(width)}  {description}")
        self.stdout.write(f"  Password for every demo account: {partnership_demo.DEMO_PASSWORD}")
        self.stdout.write(f"  Audits in the demo partnerships: {audit_count}")
        self.stdout.write(f"  Feedback survey answers in York: {survey_answers}")
        if provider is not None and provider.enabled:
            self.stdout.write(
                f"  York also signs in with the local provider at {provider.issuer_url} "
                '("Sign in with your council or NHS account", same emails and password)'
            )
