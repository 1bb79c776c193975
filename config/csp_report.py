"""Where browsers report what the content security policy blocked.

A violation on a page of the product is a bug (or an attack), so each report is logged
as one JSON line. The endpoint is public by necessity (the browser sends reports without
asking anyone), so it accepts little: small bodies, a few reports a minute from one
address, and only the fields that say what was blocked where. Page addresses are logged
as the name of the page, never as the address itself, because some addresses carry a
token (an invitation, a password reset).
"""

import json
import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from partnership.security import client_ip

csp_log = logging.getLogger("jpa.csp")

MAX_REPORT_BYTES = 16 * 1024
# Keywords the browser uses instead of an address for what it blocked.
BLOCKED_KEYWORDS = {"inline", "eval", "wasm-eval", "trusted-types-policy", "trusted-types-sink"}


def _page_name(url):
    """The name of the product's page at `url` (and its partnership), not the address."""
    parts = urlsplit(url or "")
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return {"page": "unknown"}
    page = {"page": match.view_name}
    if "slug" in match.kwargs:
        page["partnership"] = match.kwargs["slug"]
    return page


def _blocked(value):
    value = (value or "").strip()
    if value in BLOCKED_KEYWORDS or not value:
        return value
    parts = urlsplit(value)
    # The origin says whose content it was; its path and query might carry anything.
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else parts.scheme or "other"


def _source(value):
    parts = urlsplit(value or "")
    return parts.path[:200] if parts.path.startswith(("/static/", "/admin/")) else ""


def _violations(body):
    """The violations in a report-uri (application/csp-report) or report-to
    (application/reports+json) body, each as the few fields worth keeping."""
    if isinstance(body, dict) and isinstance(body.get("csp-report"), dict):
        reports = [body["csp-report"]]
    elif isinstance(body, list):
        reports = [
            item.get("body")
            for item in body
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    else:
        reports = []
    for report in reports[:10]:

        def field(*names, report=report):
            for name in names:
                if report.get(name) not in (None, ""):
                    return report[name]
            return ""

        line = field("line-number", "lineNumber")
        yield {
            **_page_name(field("document-uri", "documentURL")),
            "directive": str(
                field("effective-directive", "effectiveDirective", "violated-directive")
            )[:60],
            "blocked": _blocked(str(field("blocked-uri", "blockedURL"))),
            "source": _source(str(field("source-file", "sourceFile"))),
            "line": line if isinstance(line, int) else None,
            "disposition": str(field("disposition"))[:20] or "enforce",
        }


def _over_limit(address):
    """Count this report against its address's allowance for the current minute."""
    minute = int(time.time() // 60)
    key = f"csp-report:{address}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    over = count - settings.CSP_REPORTS_PER_MINUTE
    if over > 0:
        dropped_key = f"csp-report-dropped:{minute}"
        cache.add(dropped_key, 0, timeout=120)
        dropped = cache.incr(dropped_key)
        # One line when an address starts flooding, then one per hundred dropped.
        if over == 1 or dropped % 100 == 0:
            csp_log.warning(
                json.dumps(
                    {
                        "event": "csp_reports_dropped",
                        "client_ip": address,
                        "limit_per_minute": settings.CSP_REPORTS_PER_MINUTE,
                        "dropped_this_minute": dropped,
                    }
                )
            )
        return True
    return False


@csrf_exempt
@require_POST
def csp_report(request):
    address = client_ip(request) or "unknown"
    if _over_limit(address):
        return HttpResponse(status=429)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    for violation in _violations(body):
        csp_log.warning(json.dumps({"event": "csp_violation", "client_ip": address, **violation}))
    return HttpResponse(status=204)
