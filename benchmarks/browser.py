"""Headless Chromium driven by selenium: Debian's ``chromium`` and ``chromium-driver``, with
every background connection of the browser switched off. Used by ``bench_report.py`` (the page's
load time) and by the report tests (``tests/report/browser.py``, which also installs the two
packages where they are missing).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# The probe's flags (../shared/STACK.md, the machine notes): without the background-networking
# switches Chromium tries to reach Google's hosts at every start.
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
    "--metrics-recording-only", "--no-default-browser-check", "--hide-scrollbars",
    "--window-size=1400,1000", "--force-device-scale-factor=1",
)


@contextmanager
def chromium() -> Iterator[Any]:
    """A selenium driver for headless Chromium that logs every network request (CDP)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = Path(tempfile.mkdtemp(prefix="vessel-risk-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    os.environ.setdefault("SE_AVOID_STATS", "true")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
