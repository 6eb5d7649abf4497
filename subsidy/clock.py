"""Today's date for the subsidy's deadlines: one place, so tests can move the calendar.

Deadlines (受付開始 1 April, 報告期限 31 March) are Japanese calendar days, so "today" is the
date in Asia/Tokyo (settings.TIME_ZONE), not in UTC: at 08:00 JST on 1 April it is still
31 March in UTC. Services take `today` as an argument; views ask here.
"""

from datetime import date

from django.utils import timezone


def today() -> date:
    return timezone.localdate()
