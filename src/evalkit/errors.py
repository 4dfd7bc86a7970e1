"""Errors that reach the user. Their messages are Danish and complete sentences."""


class EvalkitError(Exception):
    """Base class: the CLI prints the message and exits non-zero, without a traceback."""

    exit_code = 1
    prefix = "Fejl: "  # how the CLI introduces the message


class ConfigError(EvalkitError):
    """The trial configuration file is missing, unreadable or incomplete."""


class DataError(EvalkitError):
    """An input table breaks the data contract."""


class BuildError(EvalkitError):
    """A notebook or a render step failed."""


class ResourceError(EvalkitError):
    """The machine refused: a full disk, no permission, a read-only file system."""


_RESOURCE = {
    "ENOSPC": "Der er ikke mere plads på disken",
    "EDQUOT": "Diskkvoten er brugt op",
    "EACCES": "evalkit har ikke lov til at skrive eller læse her",
    "EPERM": "evalkit har ikke lov til at skrive eller læse her",
    "EROFS": "Filsystemet kan kun læses",
    "EMFILE": "For mange åbne filer",
}


def resource_error(exc: OSError) -> ResourceError | None:
    """A Danish ResourceError for a fault of the machine (see `_RESOURCE`), naming the file; else None."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    if name not in _RESOURCE:
        return None
    where = f" ({exc.filename})" if exc.filename else ""
    return ResourceError(f"{_RESOURCE[name]}{where}.")
