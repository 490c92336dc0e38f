"""One exception hierarchy for the whole product.

Low-level errors (pyarrow, pandas, LightGBM, OS) are caught at the boundary that knows the file,
row and value, and re-raised as one of these so the user reads *what* broke and *where*.
"""

from __future__ import annotations


class VesselRiskError(Exception):
    """Base class of every error the product raises on purpose."""


class ConfigError(VesselRiskError):
    """A setting or command-line option is invalid."""


class InputError(VesselRiskError):
    """An input file or folder cannot be used at all (missing, unreadable, unknown format)."""


class RegistryError(InputError):
    """A registry file breaks its contract; names the file, the row and the column."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file = file
        self.row = row
        self.column = column
        where = file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


class DetectionError(VesselRiskError):
    """A detector was given a table without the columns it needs."""


class ModelError(VesselRiskError):
    """A model folder is missing, incomplete or does not match the features it is given."""


class StorageError(VesselRiskError):
    """An output partition cannot be read or written."""


class StoreLockedError(StorageError):
    """Another run holds the output folder's lock for longer than the lock timeout."""
