"""A pool of forked query processes for the endpoint: quick queries cost no fork, and any query
can still be killed at its timeout.

Forking a process per query (what :func:`.runner.run_query` does for one CLI call) costs 20 to
30 ms on the bundled data and more on a large store (the page tables of the whole process are
copied), which made 200 concurrent requests queue for seconds. The pool forks its workers once;
each shares the query view with the server copy-on-write and answers queries one after another.
A worker whose query passes its timeout is killed (the only way to stop the engine mid-query)
and replaced by a new fork.

A worker closes every file descriptor it inherited but its own channel (the listening socket,
the clients' connections, the other workers' channels): a client whose connection a worker
still held would otherwise wait for its end of file, and a worker would outlive a server killed
with SIGKILL. It also freezes what it inherited (``gc.freeze``), so that no inherited object is
collected there and closes a descriptor number the worker has reused.
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
import signal
import socket
import threading
import time
from multiprocessing.connection import Connection

import pyoxigraph as ox

from .library import QueryError
from .results import QueryResult
from .runner import _FORK_LOCK, Collector, Dataset, serve_messages, timed_out
from .view import QueryView

__all__ = ["Busy", "WorkerPool"]


class Busy(RuntimeError):
    """No worker became free in time, or the queue of waiting queries is full."""


class _Worker:
    """One forked process reading jobs from its channel until the channel closes."""

    def __init__(self, view: QueryView) -> None:
        parent_end, child_end = socket.socketpair()
        with _FORK_LOCK:
            pid = os.fork()
        if pid == 0:  # the worker
            # what it inherited is never collected here: an object of the server's that owns a
            # file descriptor would close, by number, one this process opened since (a file of
            # the store it opens again below), and its next read would fail
            gc.freeze()
            code = 0
            try:
                fd = child_end.detach()
                os.closerange(3, fd)
                os.closerange(fd + 1, _max_fd())
                _serve(view.child_store(), Connection(fd))
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        child_end.close()
        self.pid = pid
        self.channel = Connection(parent_end.detach())

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.channel.close()


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 65536


def _serve(store: ox.Store, channel: Connection) -> None:
    while True:
        try:
            job = channel.recv()
        except (EOFError, OSError):
            return
        serve_messages(store, job, channel)


class WorkerPool:
    """``size`` forked workers over ``store``; :meth:`run` gives a query to a free one.

    Parameters
    ----------
    store
        The query view's store (its default graph the union of the graphs).
    size
        Workers, so queries that can run at once.
    queue_size
        Queries that may wait for a worker; one more gets :class:`Busy` at once.
    """

    def __init__(self, view: QueryView, size: int, queue_size: int = 64) -> None:
        self.view = view
        self.size = size
        self.queue_size = queue_size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._waiting = 0
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            self._idle.put(_Worker(view))

    def run(self, text: str, kind: str, dataset: Dataset | None, timeout: float,
            max_rows: int | None) -> QueryResult:
        """The result of the checked query ``text``, read up to ``max_rows`` (see
        :func:`.runner.run_query`); :class:`Busy` when no worker is free in time."""
        deadline = time.monotonic() + timeout
        with self._lock:
            if self._waiting >= self.queue_size:
                raise Busy(f"the endpoint is busy ({self.size} queries running, "
                           f"{self._waiting} waiting): retry in a moment")
            self._waiting += 1
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty as error:
            raise Busy(f"no worker became free within {timeout:g} s: retry later") from error
        finally:
            with self._lock:
                self._waiting -= 1
        healthy = False
        try:
            collector = Collector(max_rows)
            worker.channel.send((text, kind, dataset, max_rows))
            while not collector.done:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not worker.channel.poll(remaining):
                    raise timed_out(timeout)
                try:
                    collector.take(worker.channel.recv())
                except (EOFError, OSError) as error:
                    raise QueryError("the query process stopped without an answer (out of "
                                     "memory?): narrow the query") from error
            healthy = True
        finally:
            self._give_back(worker, healthy)
        return collector.result()

    def _give_back(self, worker: _Worker, healthy: bool) -> None:
        if healthy and not self._closed:
            self._idle.put(worker)
            return
        worker.kill()
        if not self._closed:
            self._idle.put(_Worker(self.view))

    def close(self) -> None:
        """Stop every idle worker (a busy one is stopped when its query returns)."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return
