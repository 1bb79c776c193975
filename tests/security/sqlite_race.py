"""Two people save the same principle page at the same moment on a file SQLite database.

Run as its own process (the test suite's database may be PostgreSQL or SQLite in memory):
prints one JSON line with the two response codes and the notes that were stored.
"""

import json
import sys
import threading
import time

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from audits import services  # noqa: E402
from partnership.models import Role  # noqa: E402
from tests.conftest import make_area  # noqa: E402
from tests.factories.audits import start_audit  # noqa: E402

call_command("migrate", verbosity=0)
area = make_area("race")
lead, commissioner = area.members[Role.SERVICE_LEAD], area.members[Role.COMMISSIONER]
audit = start_audit(area, lead)
assessment = audit.assessments.get(principle__number=1)
url = reverse("audits:principle", kwargs={"slug": "race", "pk": audit.pk, "number": 1})
data = {
    "level": str(audit.framework.levels.get(rank=2).pk),
    "version": assessment.version,
}

# Hold each save open for a moment after it has read the page, so the two requests'
# transactions overlap the way two people pressing Save together make them overlap.
original = services.assessment_save


def slow_save(**kwargs):
    time.sleep(float(sys.argv[1]) if len(sys.argv) > 1 else 0.5)
    return original(**kwargs)


services.assessment_save = slow_save

start = threading.Barrier(2)
results = {}


def save(name, membership):
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    start.wait()
    response = client.post(url, {**data, "notes": f"{name}'s notes"})
    results[name] = response.status_code


threads = [
    threading.Thread(target=save, args=(name, membership))
    for name, membership in (("lead", lead), ("commissioner", commissioner))
]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assessment.refresh_from_db()
print(json.dumps({"codes": sorted(results.values()), "notes": assessment.notes}))
