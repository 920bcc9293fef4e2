"""The application's clock: today's date and the current time, in Paris.

Business code asks the time here, never `date.today()`: a test (or the demo's backdated
history) can then set the clock with `frozen(day)` and run the real services on that day.
"""

import contextvars
import datetime
from contextlib import contextmanager

from django.utils import timezone

_frozen = contextvars.ContextVar("frozen_clock", default=None)


def now():
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


def today():
    return timezone.localdate(now())


@contextmanager
def frozen(moment):
    """Run a block as if it were `moment` (a date: noon, Paris time, that day)."""
    if isinstance(moment, datetime.date) and not isinstance(moment, datetime.datetime):
        moment = timezone.make_aware(datetime.datetime.combine(moment, datetime.time(12)))
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)


def local_date(moment):
    """The date, in Paris, of a stored timestamp."""
    return timezone.localdate(moment)


def is_frozen():
    return _frozen.get() is not None
