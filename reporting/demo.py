"""Demo board meetings: York's board meets in six and in twelve weeks' time."""

from datetime import timedelta

from django.utils import timezone

from partnership.models import Partnership

from .models import BoardMeeting


def load():
    """Add York's next two board meetings if it has none to come; running it again adds none."""
    york = Partnership.objects.filter(slug="york").first()
    today = timezone.localdate()
    if york is None or york.board_meetings.filter(date__gte=today).exists():
        return 0
    for weeks, title in ((6, "SEND Improvement Board"), (12, "SEND Improvement Board")):
        BoardMeeting.objects.get_or_create(
            partnership=york, date=today + timedelta(weeks=weeks), defaults={"title": title}
        )
    return 2
