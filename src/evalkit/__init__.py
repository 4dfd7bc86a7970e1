"""evalkit: reproducible Danish evaluation reports for randomised job-centre trials."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("evalkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
