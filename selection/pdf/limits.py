"""A time limit on a PDF render: past it the render stops and the page says so, the worker goes on.

The limit is a real-time timer (SIGALRM), available in a process's main thread — where gunicorn's sync
workers and the task worker run requests. In other threads (the development server, gthread workers) the
limit is not applied; gunicorn's own `--timeout` stays the backstop there (docs/PRODUCTION.md).
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

TIMED_OUT = "文书生成时间过长（超过 {seconds:g} 秒），已停止生成。请精简过长的内容后重试，或联系系统管理员。"


class RenderTimedOut(Exception):
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.message = TIMED_OUT.format(seconds=seconds)
        super().__init__(self.message)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    seconds = settings.XUANBA_PDF_TIME_LIMIT_SECONDS if seconds is None else seconds
    usable = (
        seconds
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # nobody else's timer is running
    )
    if not usable:
        yield
        return

    def expired(signum, frame):
        raise RenderTimedOut(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except RenderTimedOut:
        from . import render

        render.forget_kit()  # WeasyPrint was stopped mid-way: rebuild fonts and fetcher next time
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
