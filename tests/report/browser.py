"""Headless Chromium for report tests: Debian's ``chromium`` and ``chromium-driver``, driven by
selenium, with every background connection of the browser switched off.

``ensure_chromium`` installs the two packages (as root, with apt-get) where they are missing, and
skips the test with the reason where it cannot. Run as a script, it saves a screenshot of the top
vessel's section of a report: ``python -m tests.report.browser REPORT.html OUT.png``.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
_INSTALL_TIMEOUT_S = 900
# The probe's flags (../shared/STACK.md, the machine notes): without the background-networking
# switches Chromium tries to reach Google's hosts at every start.
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
    "--metrics-recording-only", "--no-default-browser-check", "--hide-scrollbars",
    "--window-size=1400,1000", "--force-device-scale-factor=1",
)


def ensure_chromium() -> None:
    """Chromium and its driver are there, installed now if this is root; else skip."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if os.geteuid() != 0:
        pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} is missing and installing Debian's chromium "
                    "and chromium-driver needs root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"],
                    ["apt-get", "install", "-y", "--no-install-recommends", "chromium",
                     "chromium-driver"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=_INSTALL_TIMEOUT_S)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} or {CHROMEDRIVER} is missing")


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


def section_screenshot(report: Path, png: Path, selector: str = "section.vessel") -> None:
    """Save a PNG of the first element matching ``selector`` in ``report``, in 128 colours (a
    page of flat colours loses nothing visible and shrinks several times)."""
    import io

    from PIL import Image
    from selenium.webdriver.common.by import By

    ensure_chromium()
    with chromium() as driver:
        driver.set_window_size(1100, 1000)
        driver.get(report.resolve().as_uri())
        element = driver.find_element(By.CSS_SELECTOR, selector)
        box = driver.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "return [r.left + scrollX, r.top + scrollY, r.width, r.height];", element)
        # CDP, not selenium's element screenshot: that one stops at the window's bottom edge
        shot = base64.b64decode(driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": box[0], "y": box[1], "width": box[2], "height": box[3], "scale": 1},
        })["data"])
    image = Image.open(io.BytesIO(shot)).convert("RGB").quantize(
        colors=128, method=Image.Quantize.FASTOCTREE)
    image.save(png, optimize=True)


if __name__ == "__main__":
    section_screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
