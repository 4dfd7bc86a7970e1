"""Kernels for the notebooks: always this very Python environment, and reusable across notebooks.

A kernel start and the imports of pandas, statsmodels and matplotlib cost about three seconds, more than
most notebooks' own work (papermill #583). A build therefore keeps one `WarmKernel` per worker and lets
papermill execute notebook after notebook on it; before each notebook the kernel is reset to the state
of a fresh one (empty namespace, execution count 1, no open figures, the job's working directory), so
an executed notebook is byte for byte the same as on a new kernel. Only imported modules stay loaded.

Kernels are started one at a time (`_START_LOCK`): concurrent starts are where papermill in a
multiprocessing pool races for the same ports (papermill #239).
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from jupyter_client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import default

from evalkit.errors import BuildError

KERNEL_NAME = "evalkit"
_START_LOCK = threading.Lock()
_PACKAGE = Path(__file__).parent.parent  # the evalkit package: the kernelspec's resource directory


class ProjectKernelSpecManager(KernelSpecManager):
    """Always the kernel of the running interpreter, whatever kernelspecs the machine has installed."""

    def find_kernel_specs(self) -> dict[str, str]:
        return {KERNEL_NAME: str(_PACKAGE)}

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            env=_kernel_env(getattr(self.parent, "stderr_path", None)),
            # log_level=ERROR: keep the kernel's start-up warnings out of the build's progress output
            argv=[sys.executable, "-m", "ipykernel_launcher", "--IPKernelApp.log_level=ERROR", "-f", "{connection_file}"],
            display_name=f"evalkit ({sys.executable})",
            language="python",
            resource_dir=str(_PACKAGE),
        )


class ProjectKernelManager(AsyncKernelManager):
    stderr_path: Path | None = None  # where the kernel's own stderr goes (None: inherited)

    def client(self, **kwargs):
        """A client, remembered so that `close_clients` can close it: nbclient leaves open the client of
        a kernel it did not start."""
        made = super().client(**kwargs)
        self.__dict__.setdefault("_evalkit_clients", []).append(made)
        return made

    def close_clients(self) -> None:
        for made in self.__dict__.pop("_evalkit_clients", []):
            made.stop_channels()
            made.context.destroy(linger=0)

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return ProjectKernelSpecManager(parent=self)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if self.stderr_path is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        # e.g. the traceback a kernel prints when a build is interrupted belongs in the log, not on screen
        with open(self.stderr_path, "ab") as stderr:
            return await super()._async_launch_kernel(kernel_cmd, stderr=stderr, **kw)


# One BLAS thread per kernel. A product's bits depend on how many threads split it, so with the machine's
# default (a thread per core) 13 values of `varighed` on the 110.000-citizen panel (Schoenfeld p-values, the
# Welch interval) differed in their last digits between a 1-core and a 2-core machine; with one thread the
# same inputs give the same numbers on every machine. Two kernels run at once, so the cores are used anyway,
# and no idle BLAS thread spins on the core the other kernel needs. Set whatever the environment says.
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def _kernel_env(kernel_log: Path | None) -> dict[str, str]:
    """What a build's kernels get besides the build's environment: one BLAS thread (`ONE_THREAD`); with
    `kernel_log`, matplotlib's configuration and font cache in the build's log directory, so no user's
    matplotlibrc changes a figure and an unwritable HOME puts no warning with a temporary path into a
    notebook."""
    env = dict(ONE_THREAD)
    if kernel_log is not None:
        env["MPLCONFIGDIR"] = str(Path(kernel_log).parent / "matplotlib")
    return env


def kernel_manager_class(stderr_path: Path | None) -> type[ProjectKernelManager]:
    if stderr_path is None:
        return ProjectKernelManager
    return type("LoggedKernelManager", (ProjectKernelManager,), {"stderr_path": stderr_path})


# Run silently before each notebook: what a fresh kernel would have. `reset(new_session=True)` empties the
# namespace and sets the execution count back to 1; evalkit.bygning.notebook's table memo is the one state kept.
_FRESH = """\
import os as _os, sys as _sys
if 'matplotlib.pyplot' in _sys.modules:
    _sys.modules['matplotlib.pyplot'].close('all')
_os.chdir({cwd!r})
get_ipython().reset(new_session=True)
"""


READY_TIMEOUT = 180  # seconds for a new kernel's kernel_info reply: generous for a loaded 2-core machine


class _ProcessWatchingClient(BlockingKernelClient):
    """A blocking client that judges the kernel alive by its process, as a kernel manager does. A client
    without a manager listens to the kernel's heartbeat instead, which misses beats on a loaded machine:
    'Kernel died before replying to kernel_info' about a kernel that was only slow."""

    alive: Callable[[], bool] = staticmethod(lambda: True)

    async def _async_is_alive(self) -> bool:
        return self.alive()


class WarmKernel:
    """One kernel of the project's environment, kept for several notebooks. Used from one thread only:
    its asyncio calls run on that thread's own event loop (jupyter_core's run_sync)."""

    def __init__(self, stderr_path: Path | None = None, note: Callable[[str], None] | None = None):
        for attempt in (1, 2):
            try:
                self._start(stderr_path)
                return
            except (RuntimeError, TimeoutError) as exc:  # jupyter_client's words for a kernel that did not come up
                cause = f"Kernen kunne ikke startes ({exc})"
                if note is not None:
                    note(f"{cause}; {'prøver igen' if attempt == 1 else 'giver op'}")
                self.shutdown()
                if attempt == 2:
                    raise BuildError(f"{cause}, heller ikke ved andet forsøg. Kernens egen log: {stderr_path}.") from None

    def _start(self, stderr_path: Path | None) -> None:
        self.manager = kernel_manager_class(stderr_path)(kernel_name=KERNEL_NAME)
        with _START_LOCK:
            run_sync(self.manager.start_kernel)()
        # a blocking client of its own for the reset: papermill's client lives on an event loop of its own
        self.client = _ProcessWatchingClient()
        self.client.alive = self.alive
        self.client.load_connection_info(self.manager.get_connection_info())
        self.client.start_channels()
        self.client.wait_for_ready(timeout=READY_TIMEOUT)

    def fresh(self, cwd: Path) -> None:
        """Reset the kernel to a new kernel's state with `cwd` as its working directory."""
        self._silently(_FRESH.format(cwd=str(cwd)), "Kernen kunne ikke nulstilles", timeout=60)

    def _silently(self, code: str, failure: str, timeout: float = READY_TIMEOUT) -> None:
        """Execute `code` without output or history; a BuildError starting with `failure` if it fails."""
        msg_id = self.client.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = self.client.get_shell_msg(timeout=0.5)
            except queue.Empty:
                # a kernel stopped by a failing or interrupted build would otherwise be waited for in vain
                if not self.alive() or time.monotonic() > deadline:
                    raise BuildError(f"{failure}: den svarede ikke.") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise BuildError(f"{failure}: {reply['content'].get('evalue', '')}")

    def preload(self, code: str) -> None:
        """Run `code` silently, e.g. the imports every notebook makes, before the first notebook: the
        modules stay loaded, as they do after a notebook (`fresh` resets all else)."""
        if code:
            self._silently(code, "Kernen kunne ikke forberedes")

    def done(self) -> None:
        """After a notebook: close the client papermill opened on this kernel."""
        self.manager.close_clients()

    def alive(self) -> bool:
        process = getattr(self.manager.provisioner, "process", None)
        return process is not None and process.poll() is None

    def kill(self) -> None:
        """Stop the kernel process at once; safe from any thread (an interrupted or failed build)."""
        if self.alive():
            self.manager.provisioner.process.kill()

    def shutdown(self) -> None:
        """Stop the kernel and close its channels (from the thread that started it)."""
        if not hasattr(self, "manager"):
            return
        try:
            if hasattr(self, "client"):
                self.client.stop_channels()
            run_sync(self.manager.shutdown_kernel)(now=True)
        except Exception:  # an already dead kernel: nothing left to stop
            self.kill()
