"""Headless Chromium for report tests: Debian's ``chromium`` and ``chromium-driver``, driven by
selenium, with every background connection of the browser switched off.

``ensure_chromium`` installs the two packages (as root, with apt-get) where they are missing, and
skips the test with the reason where it cannot. Run as a script, it saves a screenshot of the top
vessel's section of a report: ``python -m tests.report.browser REPORT.html OUT.png``.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.browser import CHROMEDRIVER, CHROMIUM, chromium

_INSTALL_TIMEOUT_S = 900


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
