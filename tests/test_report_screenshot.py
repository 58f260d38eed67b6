"""The HTML report in a real browser: headless Chromium (Debian's `chromium`, scripts/setup.sh)
opens it at a phone's width and a desktop's and takes screenshots, kept as test artefacts
(.cache/test-artefacts/, or $MERGECTL_TEST_ARTEFACTS) for a person to look at. A test can only
check that the page is drawn; whether it reads well is for those eyes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from png_check import blank_reason

from controller.cli import main
from controller.report_render import render

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "schema2.json"
ARTEFACTS = Path(
    os.environ.get("MERGECTL_TEST_ARTEFACTS") or Path(__file__).parents[1] / ".cache" / "test-artefacts"
)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(
            "chromium is not installed: scripts/setup.sh installs Debian's chromium; CI must run this test"
        )
    pytest.skip("chromium is not installed (scripts/setup.sh installs it)")


def screenshot(html: Path, png: Path, width: int, height: int) -> None:
    png.unlink(missing_ok=True)
    # A profile of its own: the test must not depend on (or write to) the user's.
    profile = png.parent / f".chromium-{png.stem}"
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        f"--screenshot={png}",
        f"--window-size={width},{height}",
        html.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0 and png.is_file(), (
        f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    )


def assert_drawn(png: Path, width: int, height: int) -> None:
    with Image.open(png) as image:
        assert image.size == (width, height)
        top = image.convert("RGB").crop((0, 0, width, 400))  # the title, the summary, the tasks
    assert blank_reason(png, top=400) is None
    _, background = max(top.getcolors(maxcolors=width * 400) or [(0, None)])
    assert background == (255, 255, 255), "the background is not the page's white"


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 412, 2400), ("desktop", 1280, 2400)])
def test_the_report_in_chromium(name: str, width: int, height: int) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    html = ARTEFACTS / "report.html"
    html.write_text(render(json.loads(FIXTURE.read_text(encoding="utf-8")), "html", "vi"), encoding="utf-8")
    png = ARTEFACTS / f"report-{name}.png"
    screenshot(html, png, width, height)
    assert_drawn(png, width, height)


def test_the_report_of_a_rendered_province_in_chromium(rendered_binh_thuan: Path, capsys) -> None:
    """The whole path on the real Bình Thuận workspace: `mergectl report --format html`, one marker per
    commune the report's data places, and the page drawn at a phone's width."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    html = ARTEFACTS / "report-binhthuan.html"
    argv = ["report", str(rendered_binh_thuan), "--today", "2025-06-12"]
    assert main([*argv, "--format", "html", "-o", str(html)]) == 0
    capsys.readouterr()
    assert main([*argv, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    located = [c for c in data.get("communes", []) if c.get("lat") is not None and c.get("lon") is not None]
    assert html.read_text(encoding="utf-8").count('<g class="marker ') == len(located)
    png = ARTEFACTS / "report-binhthuan-phone.png"
    screenshot(html, png, 412, 2400)
    assert_drawn(png, 412, 2400)


def test_a_blank_or_flat_screenshot_is_told_apart(tmp_path: Path) -> None:
    white = tmp_path / "white.png"
    Image.new("RGB", (200, 200), (255, 255, 255)).save(white)
    assert blank_reason(white) == "1 colours only"
    mostly = Image.new("RGB", (200, 200), (255, 255, 255))
    for x in range(30):  # a few coloured pixels, as a TLS error page's icon would have
        mostly.putpixel((x, 0), (x * 8, 0, 0))
    mostly.save(tmp_path / "mostly.png")
    assert blank_reason(tmp_path / "mostly.png") == "one colour covers 100% of it"
