"""The checked tables in a columnar form: one load per build.

A build's data check reads, parses and validates each input table once (`evalkit.data.loading.check_tables`)
and writes the typed frames here, one uncompressed Arrow IPC file (Feather v2) per table. The notebooks'
kernels memory-map those files instead of reading and validating the inputs again: a column becomes a
pandas column without a copy, and the kernels share the pages of the same files. pandas' own metadata
in each file keeps the dtypes (dates, the string dtype, categoricals, nullable integers), so a measurement
gives the same numbers as from the raw files. pandera is not imported on this path.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa

SUFFIX = ".arrow"
# When set (tests, benchmarks), every load of a table appends a line to this file: the process id, what
# was done ("raa": an input file read and parsed; "regler": its table validated; "kontrolleret": a checked
# file mapped), the table's name and the file.
LOAD_LOG = "EVALKIT_INDLAESNINGSLOG"


def path_of(directory: Path, name: str) -> Path:
    return Path(directory) / f"{name}{SUFFIX}"


def note_load(source: str, name: str, path: Path) -> None:
    """Record one load of table `name` in the file `$EVALKIT_INDLAESNINGSLOG` names, if any."""
    log = os.environ.get(LOAD_LOG)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\t{source}\t{name}\t{path}\n")


def write(tables: dict[str, pd.DataFrame], directory: Path) -> dict[str, Path]:
    """Write each frame to `<directory>/<name>.arrow`; the files by name.

    One record batch per file, each column one contiguous buffer (a column read from many Parquet row
    groups comes in chunks): a date column in several batches could not be mapped without a copy.
    Uncompressed, so that it can be mapped at all. The same frames give the same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in tables.items():
        table = pa.Table.from_pandas(frame, preserve_index=False)
        # one batch also when empty: an empty table would be written without a batch, and a categorical
        # column without its categories
        batch = pa.record_batch([column.combine_chunks() for column in table.columns], schema=table.schema)
        del table
        path = path_of(directory, name)
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, batch.schema) as writer:
            writer.write_batch(batch)
        written[path.name] = path
    return written


def read(directory: Path, names: list[str] | tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """The named tables, memory-mapped from the files `write` made: without a copy where pandas can hold
    the Arrow memory as it is (strings, and numbers and dates without missing values)."""
    frames = {}
    for name in names:
        path = path_of(directory, name)
        table = pa.ipc.open_file(pa.memory_map(str(path), "r")).read_all()
        # split_blocks: one block per column, so pandas does not copy the columns into 2-D blocks
        frames[name] = table.to_pandas(split_blocks=True)
        note_load("kontrolleret", name, path)
    return frames


def release_memory() -> None:
    """Give the memory of freed frames back to the system: pyarrow's pool and glibc's heap would keep it for
    later use, and the build process has none after its data check."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if libc:
        trim = getattr(ctypes.CDLL(libc), "malloc_trim", None)  # glibc only
        if trim is not None:
            trim(0)
