"""Client names in any script reach the PDF report; characters it cannot show are named, not lost silently."""

from __future__ import annotations

from pathlib import Path

from posturecheck.reports.build import build_report
from tests.test_report import pdf_text, write_result_folder


def test_a_client_named_in_chinese_japanese_and_korean_is_in_the_pdf(tmp_path: Path) -> None:
    write_result_folder(tmp_path / "visit")
    name = "山田 花子 ひらがな 王小明 김민준"

    files = build_report(tmp_path / "visit", name)

    text = pdf_text(files.pdf)
    assert name in text  # set in a CJK font (the text face has none of these glyphs)
    assert "cannot show" not in text


def test_characters_no_font_has_are_named(tmp_path: Path) -> None:
    write_result_folder(tmp_path / "visit")

    files = build_report(tmp_path / "visit", "Ana 🦒 👍")

    text = pdf_text(files.pdf)
    assert "Ana" in text
    assert "Characters this PDF cannot show (no font here has them): U+1F992, U+1F44D." in text
