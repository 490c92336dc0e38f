"""Retries only where a second try can help: transient OS failures, not the user's mistakes."""

from __future__ import annotations

import errno

import pytest
from prefect.states import Completed, Failed

from vessel_risk.common.errors import InputError, RegistryError, StorageError
from vessel_risk.flows.retry import is_transient, retry_if_transient


def caused(outer: Exception, cause: BaseException) -> Exception:
    outer.__cause__ = cause
    return outer


@pytest.mark.parametrize("exc", [
    TimeoutError("read timed out"),
    OSError(errno.EIO, "I/O error"),
    ConnectionResetError("mount dropped"),
    caused(StorageError("cannot write partition"), OSError(errno.ENOSPC, "disk full")),
    caused(InputError("cannot read feed.nmea"), OSError(errno.ESTALE, "stale NFS handle")),
])
def test_is_transient_when_the_os_failed_for_a_moment(exc: Exception) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize("exc", [
    FileNotFoundError("feed.nmea"),
    PermissionError("out/"),
    caused(InputError("AIS input not found: x"), FileNotFoundError("x")),
    InputError("no AIS positions for 2026-12-01"),
    RegistryError("vessels.csv", "bad IMO", row=4, column="imo"),
    ValueError("a bug"),
    KeyError("column"),
])
def test_is_not_transient_for_user_errors_and_bugs(exc: Exception) -> None:
    assert not is_transient(exc)


def test_retry_if_transient_reads_the_failed_state() -> None:
    assert retry_if_transient(None, None, Failed(data=TimeoutError("slow mount")))
    assert not retry_if_transient(None, None, Failed(data=FileNotFoundError("gone")))
    assert not retry_if_transient(None, None, Completed(data=1))
