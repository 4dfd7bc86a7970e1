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
