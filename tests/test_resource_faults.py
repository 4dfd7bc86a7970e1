"""Faults of the machine (a full disk, no permission, a read-only file system) give a Danish message that
names the file and the log, a non-zero exit and no traceback, never "Uventet fejl"; the report is unchanged."""

from __future__ import annotations

import errno
import os

import pytest
from conftest import small_tables, write_tables

from evalkit import cli
from evalkit.bygning import udgivelse
from evalkit.bygning.build import build, log_dir
from evalkit.errors import ResourceError, resource_error


@pytest.mark.parametrize(
    "code, words",
    [(errno.ENOSPC, "ikke mere plads på disken"), (errno.EACCES, "ikke lov til"), (errno.EROFS, "kan kun læses")],
)
def test_a_fault_of_the_machine_is_said_in_danish_with_the_file(code, words):
    fault = resource_error(OSError(code, os.strerror(code), "/sti/til/fil"))
    assert isinstance(fault, ResourceError) and words in str(fault) and "/sti/til/fil" in str(fault)
    assert resource_error(OSError(errno.ENOENT, "x")) is None  # not the machine's fault: handled elsewhere


def test_a_full_disk_during_publication_leaves_the_report_and_names_the_log(tmp_path, monkeypatch):
    data = write_tables(small_tables(), tmp_path / "data")
    out = tmp_path / "rapport"

    def full(staged, output_dir):
        raise OSError(errno.ENOSPC, "No space left on device", str(output_dir))

    monkeypatch.setattr(udgivelse, "publish", full)
    with pytest.raises(ResourceError) as info:
        build(data, out, faser=["midtvejs"], renderer="pandoc")
    message = str(info.value)
    assert "ikke mere plads på disken" in message and f"Loggen ligger i {log_dir(out) / 'byg.log'}" in message
    assert not out.exists()


def test_the_command_says_it_without_a_traceback(monkeypatch, capsys):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/rapporter")

    monkeypatch.setattr("evalkit.bygning.build.build", refused)
    monkeypatch.setattr("sys.argv", ["evalkit", "build", "--output", "/srv/rapporter/ud"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 1 and "ikke lov til" in err and "/srv/rapporter" in err
    assert "Uventet fejl" not in err and "Traceback" not in err
