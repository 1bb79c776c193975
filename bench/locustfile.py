"""The mixed journey of the load test (run by bench/load.py, which starts the stack).

Service leads open their home, an audit's task list and principle pages, and save
principle pages with real form posts (CSRF token and version from the page); commissioners
open the reviews, an audit waiting for review and the portfolio with different filters;
board members open the portfolio and download exports; a few people sign in with the
password form. Everyone waits between steps (THINK below).

Some requests are bad on purpose (named "bad: ..."): a filter that means nothing, a
session that has ended, a save with a stale version, an audit of another partnership.
Each must get its proper page (a message, the sign-in page, the conflict page, 404),
never a 500; they are counted apart from the journey's own requests.

The accounts (and signed-in session cookies made for them, so that the load is the
journey rather than password hashing) come from the JSON file named by LOAD_ACCOUNTS.
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())
# Seconds a person waits between steps (LOAD_THINK="min,max"). 5 to 12 makes each person
# ask for about 0.2 pages a second when pages answer at once, the pace of the first load
# test of the product (100 people, 20.5 requests a second); "2,6" doubles that pace.
THINK = [float(s) for s in os.environ.get("LOAD_THINK", "5,12").split(",")]
SLUG = ACCOUNTS["slug"]
SAVES = {"ok": 0, "conflict": 0, "failed": 0}
_next = {kind: itertools.count() for kind in ("leads", "commissioners", "board", "sign_in")}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
LEVELS = re.compile(r'name="level"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="level"')


def _account(kind):
    accounts = ACCOUNTS[kind]
    return accounts[next(_next[kind]) % len(accounts)]


class Member(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(*THINK)

    def on_start(self):
        self.account = _account(self.kind)
        self.client.cookies.set(ACCOUNTS["session_cookie"], self.account["session"])

    def bad(self, name, url, ok=(200, 302, 400, 403, 404, 409), **kwargs):
        """A bad request: counted under its own name; anything but a 5xx is its proper page."""
        kwargs.setdefault("allow_redirects", False)
        with self.client.get(url, name=f"bad: {name}", catch_response=True, **kwargs) as r:
            if r.status_code in ok:
                r.success()
            else:
                r.failure(f"{r.status_code} for a bad request")


class ServiceLead(Member):
    weight = 5
    kind = "leads"

    @task(2)
    def home(self):
        self.client.get(f"/{SLUG}/", name="home")

    @task(4)
    def fill_in_a_principle(self):
        audit = random.choice(self.account["audits"])
        number = random.randint(1, 6)
        self.client.get(f"/{SLUG}/audits/{audit}/", name="task list")
        url = f"/{SLUG}/audits/{audit}/principles/{number}/"
        page = self.client.get(url, name="principle page")
        csrf, version = CSRF.search(page.text), VERSION.search(page.text)
        levels = [a or b for a, b in LEVELS.findall(page.text)]
        if not (csrf and version and levels):
            return
        data = {
            "csrfmiddlewaretoken": csrf.group(1),
            "version": version.group(1),
            "level": random.choice(levels),
            "notes": f"Parents and carers co-designed the plan (visit {random.randint(1, 9999)})",
        }
        with self.client.post(
            url,
            data=data,
            headers={"Referer": self.host + url},
            name="save principle",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                SAVES["ok"] += 1
                response.success()
            elif "choose which version to keep" in response.text:
                # Two people saved the same page at once: the second sees both versions.
                SAVES["conflict"] += 1
                response.success()
            else:
                SAVES["failed"] += 1
                response.failure(f"save answered {response.status_code}")

    @task(1)
    def stale_save(self):
        audit = random.choice(self.account["audits"])
        url = f"/{SLUG}/audits/{audit}/principles/1/"
        page = self.client.get(url, name="principle page")
        csrf = CSRF.search(page.text)
        if not csrf:
            return
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": csrf.group(1), "version": "0", "notes": "Stale"},
            headers={"Referer": self.host + url},
            name="bad: save with a stale version",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code < 500 and "choose which version to keep" in response.text:
                response.success()
            else:
                response.failure(f"stale save answered {response.status_code}")

    @task(1)
    def other_partnership(self):
        self.bad("audit of another partnership", f"/{ACCOUNTS['other_slug']}/audits/1/")


class Commissioner(Member):
    weight = 3
    kind = "commissioners"

    @task(2)
    def reviews(self):
        self.client.get(f"/{SLUG}/reviews/", name="reviews")
        audit = random.choice(ACCOUNTS["submitted"])
        self.client.get(f"/{SLUG}/audits/{audit}/review/", name="review page")

    @task(3)
    def dashboard(self):
        query = random.choice(ACCOUNTS["filters"])
        self.client.get(f"/{SLUG}/portfolio/?{query}", name="dashboard")

    @task(1)
    def bad_filters(self):
        self.bad(
            "filters that mean nothing",
            f"/{SLUG}/portfolio/?period=fy99999&organisation=99999999999&sector=x&outcome=7",
        )

    @task(1)
    def missing_audit(self):
        self.bad("audit that does not exist", f"/{SLUG}/audits/999999999/review/")


class BoardMember(Member):
    weight = 2
    kind = "board"

    @task(4)
    def dashboard(self):
        query = random.choice(ACCOUNTS["filters"])
        self.client.get(f"/{SLUG}/portfolio/?{query}", name="dashboard")

    @task(1)
    def export_csv(self):
        query = random.choice(ACCOUNTS["filters"])
        self.client.get(f"/{SLUG}/portfolio/export.csv?{query}", name="export CSV")

    @task(1)
    def export_xlsx(self):
        self.client.get(f"/{SLUG}/portfolio/export.xlsx?period=12m", name="export XLSX")

    @task(1)
    def expired_session(self):
        # A session that has ended: the page sends the person to sign in again.
        kept = self.client.cookies
        self.client.cookies = type(kept)()
        self.client.cookies.set(ACCOUNTS["session_cookie"], "ended-session-that-no-longer-exists")
        try:
            self.bad("expired session", f"/{SLUG}/portfolio/", ok=(302,))
        finally:
            self.client.cookies = kept


class SigningIn(HttpUser):
    """Someone arriving: the sign-in form (password hashing included), then their home."""

    weight = 1
    wait_time = between(*THINK)

    def on_start(self):
        self.account = _account("sign_in")

    @task
    def sign_in(self):
        self.client.cookies.clear()
        page = self.client.get("/accounts/login/", name="sign-in page")
        csrf = CSRF.search(page.text)
        if not csrf:
            return
        self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": csrf.group(1),
                "login": self.account["email"],
                "password": ACCOUNTS["password"],
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in",
        )
        self.client.get(f"/{SLUG}/", name="home")


# Every response time by kind of request, so the report can give exact percentiles for
# the HTML pages together (Locust's own figures are per request name).
TIMES = {"HTML pages": [], "dashboard": [], "exports": [], "bad requests": []}


def kind_of(name):
    if name.startswith("bad: "):
        return "bad requests"
    if name.startswith("export "):
        return "exports"
    return "dashboard" if name == "dashboard" else "HTML pages"


@events.spawning_complete.add_listener
def _everyone_arrived(user_count, **kwargs):
    # The figures are of the steady state: everyone has arrived (as --reset-stats does
    # for Locust's own).
    for times in TIMES.values():
        times.clear()


@events.request.add_listener
def _time(request_type, name, response_time, **kwargs):
    TIMES[kind_of(name)].append(response_time)


@events.quitting.add_listener
def _write_saves(environment, **kwargs):
    path = os.environ.get("LOAD_SAVES")
    if path:
        with open(path, "w") as handle:
            json.dump({**SAVES, "times": TIMES}, handle)
