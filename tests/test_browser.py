"""The browser test: `presse-mining run` on the seeds, `presse-mining serve`, headless
Chromium (Debian's chromium + chromedriver, driven by selenium) runs the canned query
"Wer traf wen, wo und wann" for Güler and must see Beckehoff.

Needs the real NLP stages (events and their participants) to find the meeting.
Set-up installs chromium and chromium-driver with apt-get when they are missing and
we are root; otherwise the test is skipped with the reason. The screenshot goes to
tmp_path, and also to $PRESSE_SCREENSHOT_DIR when that is set (docs/img/ for the docs).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def chromium_driver():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install -e .[test])")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            pytest.skip("no chromium/chromedriver and cannot install them (needs root and apt-get)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        # a fresh machine has no package lists yet: apt-get install alone finds nothing
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, text=True, env=env)
        installed = subprocess.run(["apt-get", "install", "-y", "chromium", "chromium-driver"],
                                   capture_output=True, text=True, env=env)
        if installed.returncode != 0:
            pytest.skip(f"apt-get install chromium chromium-driver failed: {installed.stderr.strip()[-200:]}")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served_seeds(tmp_path):
    db = tmp_path / "presse.db"
    built = subprocess.run([sys.executable, "-m", "presse_mining", "run", *sorted(map(str, (ROOT / "corpus").glob("*.txt"))),
                            "--db", str(db)], capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PRESSE_SERVE_PASSWORD_HASH"}
    server = subprocess.Popen([sys.executable, "-m", "presse_mining", "serve", "--db", str(db), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # generous: the machine is shared and may be busy
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=5).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read().decode()
                if time.monotonic() > deadline:
                    pytest.fail("presse-mining serve did not answer within 90 s")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_wer_traf_wen_in_the_browser(chromium_driver, served_seeds, tmp_path):
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver = chromium_driver
    driver.get(served_seeds + "/presse/wer_traf_wen")
    try:   # a busy machine may still be rendering
        WebDriverWait(driver, 30).until(lambda d: "Wer traf wen, wo und wann" in d.page_source)
    except TimeoutException:
        pytest.fail(f"the canned query page did not show its title: {driver.page_source[:500]}")
    field = driver.find_element(By.NAME, "name")
    field.clear()
    field.send_keys("Güler")
    field.submit()
    WebDriverWait(driver, 20).until(expected_conditions.url_contains("name="))
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.rows-and-columns, p.zero-results")
                                    or d.find_elements(By.CSS_SELECTOR, ".zero-results"))
    screenshot = tmp_path / "browser_wer_traf_wen.png"
    driver.save_screenshot(str(screenshot))
    if os.environ.get("PRESSE_SCREENSHOT_DIR"):
        shutil.copy(screenshot, Path(os.environ["PRESSE_SCREENSHOT_DIR"]) / screenshot.name)
    table = driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns")
    assert table, f"no result rows for Güler (screenshot: {screenshot})"
    assert "Beckehoff" in table[0].text, f"Beckehoff not among those Güler met (screenshot: {screenshot})"
