"""Running a build's steps in parallel, as far as their dependencies allow.

A step runs as soon as the steps it reads from are done, on one of `workers` threads. The main thread hands
a step to a thread only when one is free, and then the first listed of the steps that are ready, so that
the build's order counts (it lists the longest notebooks first and a phase's summary before the next
phase's notebooks, see `evalkit.bygning.build`). Each thread owns
at most one warm kernel (`evalkit.bygning.kernel`), started the first time that thread must execute a notebook,
so a build whose notebooks all come from the cache starts none. A step that notebooks wait for and that
knows they will run (the data check of changed data) has the idle threads start their kernels meanwhile
(`Worker.warm_kernels`). The kernels are separate processes, so notebooks run in parallel on the machine's
cores while the threads only wait for them.

Everything the user sees or the log records goes through the main thread (`events`), which is also the
thread that Ctrl-C and SIGTERM interrupt. The first failing step stops the build: nothing new starts, the
running notebooks' kernels are stopped, and that step's error is raised.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from evalkit.bygning.progress import FAILED, Progress, Step

_POLL = 0.1  # seconds; how often the main thread looks up from waiting (so Ctrl-C is handled at once)


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Worker:
    """What a step's action gets: a kernel on demand and a way to note a line for the log."""

    def __init__(self, events: queue.Queue, kernel_log: Path | None):
        self._events = events
        self._kernel_log = kernel_log
        self._kernel = None
        self.current: Task | None = None
        self.preload: str | None = None  # set by the main thread: start the kernel and run this on it

    def kernel(self):
        if self._kernel is None:
            from evalkit.bygning.kernel import WarmKernel

            self._kernel = WarmKernel(self._kernel_log, note=self.note)
        return self._kernel

    def note(self, text: str) -> None:
        """A line for the log (and the screen with --verbose)."""
        self._events.put(("note", None, text))

    def say(self, text: str) -> None:
        """A line for the log and the screen."""
        self._events.put(("message", None, text))

    def executing(self) -> None:
        """The current step is not in the cache and is being done now."""
        self._events.put(("executing", self.current, None))

    def warm_kernels(self, preload: str = "") -> None:
        """Have every worker start its kernel now and run `preload` (imports) on it, while this step runs."""
        self._events.put(("warm", None, preload))

    def warm(self, preload: str) -> None:
        """Start this worker's kernel ahead of its first notebook. A kernel that does not come up is only
        noted: the first notebook starts it again and reports the error."""
        if self._kernel is not None:
            return
        try:
            self.kernel().preload(preload)
        except Exception as exc:  # BuildError from the kernel, or a kernel killed by a failing build
            self.note(f"Kernen kunne ikke startes i forvejen: {exc}")
            self.shutdown()

    def kill(self) -> None:
        if self._kernel is not None:
            self._kernel.kill()

    def shutdown(self) -> None:
        if self._kernel is not None:
            self._kernel.shutdown()
            self._kernel = None


@dataclass(frozen=True)
class Task:
    step: Step
    action: Callable[[Worker], str]  # does the step; returns progress.RAN or progress.REUSED
    after: tuple[str, ...] = ()  # keys of the steps it reads from
    decisive: bool = False  # its error is the one raised when it fails, e.g. the data check's (it explains
    # why a notebook that read the same bad data failed first)
    aside: bool = False  # runs on a thread of its own beside the workers (never on a kernel): the data
    # check, so that no worker, and no kernel, waits idle behind it


def _next(worker: Worker, inbox: queue.Queue, halt: threading.Event) -> Task | None:
    """The next task from the shared inbox; while waiting for one, the worker starts its kernel when the
    main thread asks it to (`Worker.preload`: a request to this very thread, which must own its kernel)."""
    while True:
        if worker.preload is not None:
            preload, worker.preload = worker.preload, None
            if not halt.is_set():
                worker.warm(preload)
        try:
            return inbox.get(timeout=_POLL)
        except queue.Empty:
            continue


def _work(worker: Worker, inbox: queue.Queue, events: queue.Queue, halt: threading.Event) -> None:
    try:
        while (task := _next(worker, inbox, halt)) is not None:
            if halt.is_set() and not task.decisive:  # a step failed: the waiting ones are not started
                events.put(("dropped", task, None))
                continue
            worker.current = task
            events.put(("started", task, None))
            began = time.monotonic()
            try:
                state = task.action(worker)
            except BaseException as exc:  # handed to the main thread, which raises it
                halt.set()
                events.put(("failed", task, exc))
            else:
                events.put(("finished", task, (state, time.monotonic() - began)))
    finally:
        worker.shutdown()


def run(tasks: list[Task], workers: int, progress: Progress, log: Callable[[str], None],
        kernel_log: Path | None = None) -> None:
    """Run `tasks` (of those ready, the first listed first) on `workers` threads; raise the first error."""
    keys = {t.step.key for t in tasks}
    for task in tasks:
        missing = set(task.after) - keys
        assert not missing, f"{task.step.key} waits for unknown steps {missing}"
    events: queue.Queue = queue.Queue()
    inbox: queue.Queue = queue.Queue()
    aside: queue.Queue = queue.Queue()
    halt = threading.Event()
    pool = [Worker(events, kernel_log) for _ in range(max(1, min(workers, len(tasks))))]
    threads = [(threading.Thread(target=_work, args=(w, inbox, events, halt), name=f"evalkit-{i}", daemon=True), inbox)
               for i, w in enumerate(pool)]
    if any(t.aside for t in tasks):
        threads.append((threading.Thread(target=_work, args=(Worker(events, None), aside, events, halt),
                                         name="evalkit-ved-siden", daemon=True), aside))
    for thread, _ in threads:
        thread.start()

    waiting, ready, done, running, free = list(tasks), [], set(), 0, len(pool)
    position = {id(t): i for i, t in enumerate(tasks)}
    error: BaseException | None = None
    try:
        while ((waiting or ready) and error is None) or running:
            if error is None:
                for task in [t for t in waiting if set(t.after) <= done]:
                    waiting.remove(task)
                    if task.aside:
                        aside.put(task)
                        running += 1
                    else:
                        ready.append(task)
                ready.sort(key=lambda t: position[id(t)])
                while ready and free:
                    inbox.put(ready.pop(0))
                    running, free = running + 1, free - 1
            try:
                kind, task, payload = events.get(timeout=_POLL)
            except queue.Empty:
                continue
            if kind == "warm":
                for worker in pool:
                    worker.preload = payload
            elif kind == "note":
                log(payload)
                progress.detail(payload)
            elif kind == "message":
                log(payload)
                progress.message(payload)
            elif kind == "dropped":
                running, free = running - 1, free + (not task.aside)
            elif kind == "started":
                progress.started(task.step)
            elif kind == "executing":
                progress.executing(task.step)
            elif kind == "finished":
                running, free = running - 1, free + (not task.aside)
                state, elapsed = payload
                done.add(task.step.key)
                log(f"{task.step.label}: {state} ({elapsed:.1f} s)")
                progress.finished(task.step, state, elapsed)
            else:  # failed
                running, free = running - 1, free + (not task.aside)
                progress.finished(task.step, FAILED, 0.0)
                if error is None:
                    for worker in pool:  # the other notebooks' results would be thrown away
                        worker.kill()
                if error is None or task.decisive:
                    error = payload
    except BaseException:  # Ctrl-C or SIGTERM: stop the kernels, so the threads end soon
        halt.set()
        for worker in pool:
            worker.kill()
        _stop(threads, timeout=10)
        raise
    _stop(threads, timeout=60)
    if error is not None:
        raise error


def _stop(threads: list[tuple[threading.Thread, queue.Queue]], timeout: float) -> None:
    """Let every thread finish its step and stop its kernel (they are daemons: a hung one cannot keep the
    process alive, but the build's temporary directory is removed only after they stopped writing)."""
    for _, inbox in threads:
        inbox.put(None)
    deadline = time.monotonic() + timeout
    for thread, _ in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
