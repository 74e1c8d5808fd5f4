"""A time limit on a PDF render: past it the render stops and the page says so, the worker goes on.

`time_limit()` (around a view's render) sets a deadline; `rendering()` (inside render.layout and
render.write) arms a real-time timer (SIGALRM) for what is left of it, only while WeasyPrint works — never
during a database query, which an interrupting signal would leave half-done on the connection. The timer
exists in a process's main thread, where gunicorn's sync workers and the task worker run; elsewhere (the
development server, gthread workers) only the check between steps applies and gunicorn's `--timeout` is
the backstop (docs/PRODUCTION.md).
"""

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

TIMED_OUT = "文书生成时间过长（超过 {seconds:g} 秒），已停止生成。请精简过长的内容后重试，或联系系统管理员。"

_state = threading.local()


class RenderTimedOut(Exception):
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.message = TIMED_OUT.format(seconds=seconds)
        super().__init__(self.message)

    def __reduce__(self):  # raised in a child process (parallel.py), re-raised in the parent
        return (type(self), (self.seconds,))


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Renders inside the block must finish within `seconds` (default: XUANBA_PDF_TIME_LIMIT_SECONDS)."""
    seconds = settings.XUANBA_PDF_TIME_LIMIT_SECONDS if seconds is None else seconds
    if not seconds or seconds <= 0:
        yield
        return
    previous = getattr(_state, "limit", None)
    _state.limit = (time.monotonic() + seconds, seconds)
    try:
        yield
    finally:
        _state.limit = previous


def _timer_usable() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nobody else's timer is running
    )


RETRY = 0.02  # seconds between further alarms once the deadline passed


def _in_finalizer(frame) -> bool:
    """Is the interrupted code a `__del__` run by the garbage collector? An exception raised there is
    ignored ("Exception ignored in …") and the render would go on past its limit."""
    while frame is not None:
        if frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


@contextmanager
def rendering() -> Iterator[None]:
    """WeasyPrint at work: stop it when the deadline passes."""
    limit = getattr(_state, "limit", None)
    if limit is None:
        yield
        return
    deadline, seconds = limit
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise RenderTimedOut(seconds)
    if not _timer_usable():
        yield
        return

    def expired(signum, frame):
        if _in_finalizer(frame):
            return  # raised there it would be swallowed; the timer fires again in RETRY seconds
        raise RenderTimedOut(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, remaining, RETRY)
    try:
        yield
    except RenderTimedOut:
        from . import render

        render.forget_kit()  # WeasyPrint was stopped mid-way: rebuild fonts and fetcher next time
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
