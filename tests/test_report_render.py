"""The report's renderers: a self-contained HTML page (every commune, a marker per commune with
coordinates, no external resource), Markdown, both languages complete, the map and the timeline."""

from __future__ import annotations

import copy
import itertools
import json
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from controller.cli import main
from controller.report_render import render
from controller.report_render.labels import LANGUAGES, STATUSES, TASK_STATES, Labels, table
from controller.report_render.svgmap import MARKER, draw_map, fit
from controller.report_render.timeline import draw_timeline
from controller.report_render.view import WORKSTREAM_ORDER, build_view

FIXTURE = Path(__file__).parent / "fixtures" / "report" / "schema2.json"
SMALL = Path(__file__).parent / "fixtures" / "import" / "small.csv"


def fixture_data() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


class Page(HTMLParser):
    """The parts of the page the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.rows: dict[str, list[str]] = {}  # section id -> data-code/data-task of its rows
        self.markers: list[str] = []
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []
        self.section: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        self.tags.append(tag)
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "section":
            self.section = values.get("id")
        if tag == "tr" and self.section and ("data-code" in values or "data-task" in values):
            self.rows.setdefault(self.section, []).append(values.get("data-code") or values["data-task"])
        if tag == "g" and "marker" in values.get("class", "").split():
            self.markers.append(values["data-code"])
        for key in ("src", "href", "xlink:href", "action", "data"):
            if key in values:
                self.links.append((tag, key, values[key]))
        if "style" in values and "url(" in values["style"]:
            self.links.append((tag, "style", values["style"]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_has_every_commune_and_task_and_a_marker_per_located_commune(lang: str) -> None:
    data = fixture_data()
    page = parse(render(data, "html", lang))
    assert page.lang == lang
    assert page.rows["communes"] == [commune["code"] for commune in data["communes"]]
    assert page.rows["tasks"] == [task["id"] for task in data["tasks"]]
    located = sorted(c["code"] for c in data["communes"] if c["lat"] is not None)
    assert sorted(page.markers) == located
    text = " ".join(page.text)
    # The commune without coordinates is named under the map, not dropped.
    assert "Xã Bắc Bình (23131)" in text
    # Failures with host and task; the check's message is escaped, not markup.
    assert "hamthuan-gw" in text and "data_line : Bring the line up" in text
    assert "no <banner> from <hamthuan> & co" in text
    assert "banner" not in page.tags


@pytest.mark.parametrize("lang", LANGUAGES)
def test_html_is_self_contained(lang: str) -> None:
    html = render(fixture_data(), "html", lang)
    page = parse(html)
    assert page.links == []  # no src/href at all: nothing to fetch, no CDN, no font
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert "@import" not in html and "@font-face" not in html and "url(" not in html
    for scheme in ("http://", "https://", "//cdn"):
        # The only URI allowed is the SVG namespace, which is a name, never fetched.
        assert html.replace('xmlns="http://www.w3.org/2000/svg"', "").count(scheme) == 0, scheme
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "@media (max-width: 640px)" in html and "@media print" in html


def test_vietnamese_by_default_english_on_request() -> None:
    data = fixture_data()
    vi, en = render(data, "html", "vi"), render(data, "html", "en")
    assert "Nhiệm vụ theo kế hoạch" in vi and "Lắp đặt điểm cuối đường truyền tại hai trụ sở" in vi
    assert "Tasks of the plan" in en and "Data-line endpoints at both HQs" in en
    assert "Tasks of the plan" not in vi and "Nhiệm vụ theo kế hoạch" not in en
    assert "15/06/2025" in vi and "2025-06-15" in en  # dates as each reader writes them
    assert unicodedata.is_normalized("NFC", vi)
    decomposed = copy.deepcopy(data)
    decomposed["communes"][0]["name"] = unicodedata.normalize("NFD", "Phường Mũi Né")
    assert unicodedata.is_normalized("NFC", render(decomposed, "html", "vi"))


def test_labels_are_complete_in_both_languages() -> None:
    labels = table()
    for key, (vi, en) in labels.items():
        assert vi.strip() and en.strip(), key
        assert unicodedata.is_normalized("NFC", vi), key
        assert vi.count("{") == en.count("{"), f"{key}: placeholders differ"
    needed = (
        [f"status_{s}" for s in STATUSES]
        + [f"state_{s}" for s in TASK_STATES]
        + [f"ws_{w}" for w in WORKSTREAM_ORDER]
        + [f"wsn_{n}" for n in range(1, 13)]
    )
    assert [key for key in needed if key not in labels] == []
    with pytest.raises(ValueError, match="language 'fr'"):
        Labels("fr")


def test_markdown_has_the_same_content() -> None:
    data = fixture_data()
    text = render(data, "md", "vi")
    assert text.startswith("# Báo cáo tiến độ")
    for commune in data["communes"]:
        assert f"| {commune['name']} ({commune['code']}) |" in text
    assert (
        "| Lắp đặt điểm cuối đường truyền tại hai trụ sở | Sở KH&CN, VNPT | 15/06/2025 còn 3 ngày |" in text
    )
    assert '5 ngày sau khi có "it_officers_listed" (tính riêng từng xã)' in text
    assert "| Xã Hàm Thuận (22963) | `hamthuan-gw` |" not in text  # hosts are plain cells
    assert "| Xã Hàm Thuận (22963) | hamthuan-gw | data_line : Bring the line up |" in text
    assert "- Quá hạn: Lập dự toán kinh phí (10/06/2025, quá hạn 2 ngày)" in text
    english = render(data, "md", "en")
    assert "| Phường Mũi Né (22918) | Verified | Verified |" in english


def test_json_is_the_data_itself() -> None:
    data = fixture_data()
    assert json.loads(render(data, "json")) == data


def test_missing_parts_are_unknown_not_errors() -> None:
    page = parse(render({"province": "Lâm Đồng", "today": "2025-06-12"}, "html", "vi"))
    assert page.markers == [] and "communes" not in page.rows
    text = " ".join(page.text)
    assert "Không xã nào có toạ độ" in text and "chưa có (chưa chạy mergectl check)" in text


def test_the_command_writes_html_atomically_in_the_chosen_language(tmp_path: Path, capsys) -> None:
    workspace = tmp_path / "ws"
    assert main(["import", "--csv", str(SMALL), "-o", str(workspace)]) == 0
    out = tmp_path / "out" / "report.html"
    assert (
        main(
            [
                "report",
                str(workspace),
                "--format",
                "html",
                "--lang",
                "en",
                "-o",
                str(out),
                "--today",
                "2025-06-12",
            ]
        )
        == 0
    )
    html = out.read_text(encoding="utf-8")
    assert parse(html).lang == "en" and "Lâm Đồng" in html
    assert [path.name for path in out.parent.iterdir()] == ["report.html"]  # no temporary left
    capsys.readouterr()
    assert main(["report", str(workspace), "--today", "2025-06-12"]) == 0
    assert capsys.readouterr().out.startswith("# Báo cáo tiến độ")  # Markdown, Vietnamese by default
    assert main(["report", str(workspace), "--json"]) == 0  # the deprecated alias still works
    captured = capsys.readouterr()
    assert json.loads(captured.out) and "--format json" in captured.err
    assert main(["report", str(workspace), "--json", "--format", "md"]) == 3


# --------------------------------------------------------------------------- the map

coordinates = st.tuples(st.floats(-80, 80, allow_nan=False), st.floats(-179.9, 179.9, allow_nan=False))


@settings(max_examples=300, deadline=None)
@given(st.lists(coordinates, min_size=1, max_size=40))
def test_every_marker_lies_inside_the_view_box(points: list[tuple[float, float]]) -> None:
    projection = fit(points)
    for lat, lon in points:
        x, y = projection(lat, lon)
        assert MARKER <= x <= projection.width - MARKER, (lat, lon, x)
        assert MARKER <= y <= projection.height - MARKER, (lat, lon, y)


@settings(max_examples=100, deadline=None)
@given(st.lists(coordinates, min_size=2, max_size=10, unique=True))
def test_the_projection_keeps_north_up_and_east_right(points: list[tuple[float, float]]) -> None:
    projection = fit(points)
    for (lat_a, lon_a), (lat_b, lon_b) in itertools.pairwise(points):
        (xa, ya), (xb, yb) = projection(lat_a, lon_a), projection(lat_b, lon_b)
        if lat_a > lat_b + 1e-9:
            assert ya <= yb + 1e-6
        if lon_a > lon_b + 1e-9:
            assert xa >= xb - 1e-6


def test_map_markers_by_status_with_tooltips_and_shapes() -> None:
    view = build_view(fixture_data(), "vi")
    svg = draw_map(view.communes, view.labels)
    assert svg.count('class="marker status-failed"') == 1
    assert "<title>Xã Hàm Thuận (22963): Lỗi</title>" in svg
    assert "<polygon" in svg and "<rect" in svg and "<circle" in svg  # shapes, not colour alone
    assert 'viewBox="0 0 480.0' in svg and "50 km" in svg
    # The failed commune is drawn last, on top of any neighbour.
    assert svg.rindex('class="marker') == svg.index('class="marker status-failed"')
    one = [dict(view.communes[0])]
    assert 'class="marker status-verified"' in draw_map(one, view.labels)  # a single commune still draws


def test_timeline_marks_today_and_every_dated_task() -> None:
    view = build_view(fixture_data(), "en")
    svg = draw_timeline(view.tasks, view.today, view.labels)
    dated = sorted((task for task in view.tasks if task["due_iso"]), key=lambda t: (t["due_iso"], t["title"]))
    assert [part.split('"')[0] for part in svg.split('data-task="')[1:]] == [task["id"] for task in dated]
    assert "Today 2025-06-12" in svg
    assert "mail_accounts" not in svg  # relative deadline not computed yet: listed under, not placed
    assert draw_timeline([], "2025-06-12", view.labels) == ""


def test_the_sources_read_in_the_reports_language() -> None:
    data = fixture_data()
    data["sources"] = {
        "state/runs.sqlite": "present (lab runs only)",
        "staff/*.csv": "present (3 file(s))",
        "state/check.json": "unreadable (state/check.json:1: not JSON)",
        "province.yml": "present; tasks unusable (province.yml:56: [deadlines] ...)",
        "state/decommission.yml": "absent",
    }
    sources = build_view(data, "vi").sources
    assert sources == {
        "state/runs.sqlite": "có (chỉ có các lần chạy trong lab)",
        "staff/*.csv": "có (3 tệp)",
        "state/check.json": "không đọc được (state/check.json:1: not JSON)",  # the error as written
        "province.yml": "có; không dùng được danh sách nhiệm vụ (province.yml:56: [deadlines] ...)",
        "state/decommission.yml": "không có",
    }
    assert build_view(data, "en").sources == data["sources"]
