"""Kernels start reliably on a loaded machine: liveness is the kernel process, not its heartbeat, and a
kernel that does not come up is started once more, with the cause in the build's log."""

from __future__ import annotations

import pytest

from evalkit.bygning import kernel as kernel_module
from evalkit.bygning.kernel import WarmKernel
from evalkit.errors import BuildError


def test_a_missed_heartbeat_is_not_a_dead_kernel():
    k = WarmKernel()
    try:
        k.client.hb_channel.pause()  # what a loaded machine looks like to a heartbeat listener
        k.client.wait_for_ready(timeout=30)  # answers, since the process lives
        k.kill()
        k.manager.provisioner.process.wait()
        with pytest.raises(RuntimeError):  # a dead process is dead
            k.client.wait_for_ready(timeout=2)
    finally:
        k.shutdown()


def test_a_kernel_that_does_not_come_up_is_started_once_more_and_the_cause_noted(monkeypatch):
    real_start = WarmKernel._start
    attempts, notes = [], []

    def flaky(self, stderr_path):
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real_start(self, stderr_path)

    monkeypatch.setattr(WarmKernel, "_start", flaky)
    k = WarmKernel(note=notes.append)
    try:
        assert len(attempts) == 2 and k.alive()
        assert notes == ["Kernen kunne ikke startes (Kernel died before replying to kernel_info); prøver igen"]
    finally:
        k.shutdown()


def test_two_failed_starts_give_a_danish_error(monkeypatch):
    def never(self, stderr_path):
        raise RuntimeError("Kernel didn't respond in 180 seconds")

    monkeypatch.setattr(WarmKernel, "_start", never)
    notes = []
    with pytest.raises(BuildError, match="Kernen kunne ikke startes .*heller ikke ved andet forsøg"):
        WarmKernel(note=notes.append)
    assert notes[-1].endswith("giver op")
    assert kernel_module.READY_TIMEOUT >= 120
