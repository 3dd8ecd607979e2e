"""Background jobs shared by every session of the server process (no streamlit).

A class of 60 opening the teacher's link must start one computation, not 60, and see it at
once when it is finished. JobBoard.get_or_start(key, work) returns the job already running or
finished for key, or starts a new one in a daemon thread. A job nobody has looked at for
IDLE_SECONDS is cancelled (a student who changed a setting moved on), at most MAX_RUNNING jobs
compute at once (the others wait in line), and the last KEEP_DONE finished jobs are kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

MAX_RUNNING = 2  # one per core
KEEP_DONE = 64
IDLE_SECONDS = 6.0


class Job:
    """One computation: work(job) runs in a thread and calls job.publish(value, progress)."""

    def __init__(self, key: Hashable, work: Callable[[Job], object]):
        self.key = key
        self.work = work
        self.state = "queued"  # queued | running | done | cancelled | failed
        self.value: object = None
        self.progress = 0.0
        self.error: str | None = None
        self.started = self.finished_at = None
        self.last_seen = time.monotonic()
        self.viewers_seen = 0  # how many times a page looked at it (a measure of sharing)
        self._cancel = threading.Event()
        self._lock = threading.Lock()

    # --- called by the work
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def publish(self, value: object, progress: float) -> None:
        with self._lock:
            self.value, self.progress = value, min(max(float(progress), 0.0), 1.0)

    # --- called by pages
    def touch(self) -> None:
        self.last_seen = time.monotonic()
        self.viewers_seen += 1

    def read(self) -> tuple[str, object, float]:
        with self._lock:
            return self.state, self.value, self.progress

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed", "cancelled")

    def cancel(self) -> None:
        self._cancel.set()

    def _run(self) -> None:
        self.state, self.started = "running", time.monotonic()
        try:
            value = self.work(self)
            with self._lock:
                self.value = value
                self.state = "cancelled" if self._cancel.is_set() else "done"
        except Exception as exc:  # noqa: BLE001 - a failed job is shown as such, never raised in a page
            self.error, self.state = f"{type(exc).__name__}: {exc}", "failed"
        self.finished_at = time.monotonic()


class JobBoard:
    """The process's jobs, by key."""

    def __init__(self, max_running: int = MAX_RUNNING, keep_done: int = KEEP_DONE, idle: float = IDLE_SECONDS):
        self.max_running, self.keep_done, self.idle = max_running, keep_done, idle
        self.jobs: OrderedDict[Hashable, Job] = OrderedDict()
        self.started_count = 0  # jobs ever started: 60 sessions on one key add 1
        self._lock = threading.Lock()

    def get_or_start(self, key: Hashable, work: Callable[[Job], object]) -> Job:
        with self._lock:
            self._tidy()
            job = self.jobs.get(key)
            if job is None or job.state == "cancelled":
                job = Job(key, work)
                self.jobs[key] = job
            self.jobs.move_to_end(key)
            job.touch()
            self._start_waiting()
            return job

    def peek(self, key: Hashable) -> Job | None:
        """The job for key if there is one (finished or not), without starting anything."""
        with self._lock:
            job = self.jobs.get(key)
            if job is not None:
                job.touch()
            return job

    def _tidy(self) -> None:
        now = time.monotonic()
        for job in list(self.jobs.values()):
            if not job.done and now - job.last_seen > self.idle:
                job.cancel()
                if job.state == "queued":
                    job.state = "cancelled"
        done = [k for k, j in self.jobs.items() if j.done]
        for key in done[: max(0, len(done) - self.keep_done)]:
            del self.jobs[key]
        for key in [k for k, j in self.jobs.items() if j.state == "cancelled"]:
            del self.jobs[key]  # its thread has ended (or never started)

    def _start_waiting(self) -> None:
        running = sum(1 for j in self.jobs.values() if j.state == "running")
        for job in self.jobs.values():
            if running >= self.max_running:
                return
            if job.state == "queued":
                job.state = "running"
                self.started_count += 1
                threading.Thread(target=self._run_then_next, args=(job,), daemon=True).start()
                running += 1

    def _run_then_next(self, job: Job) -> None:
        job._run()
        with self._lock:
            self._start_waiting()
