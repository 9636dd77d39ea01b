"""The Settings page, the options it maps to, and the app's privacy defaults."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from posturecheck.app.settings import AppSettings

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "posturecheck/app/page_scripts/settings.py"
KEY = "posturecheck.settings"


def _settings_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception and at.title[0].value == "Settings"
    return at


def test_defaults_are_the_pipelines_defaults() -> None:
    at = _settings_page()
    settings = at.session_state[KEY]
    assert settings == AppSettings()
    assert settings.measure_options().cutoff_hz == 6.0 and settings.model_path is None


def test_changes_are_saved_and_survive_leaving_the_page() -> None:
    at = _settings_page()
    at.number_input(key="settings.people").set_value(3)
    at.toggle(key="settings.filter").set_value(False)
    at.toggle(key="settings.height_known").set_value(True)
    at.toggle(key="settings.roll_known").set_value(True).run()
    at.number_input(key="settings.height").set_value(182.0)
    at.number_input(key="settings.roll").set_value(-4.5)
    at.radio(key="settings.method").set_value("3d")
    at.toggle(key="settings.masks").set_value(True).run()
    expected = AppSettings(
        num_people=3, cutoff_hz=None, height_cm=182.0, camera_roll_deg=-4.5, method="3d", masks=True
    )
    assert at.session_state[KEY] == expected
    at.switch_page("posturecheck/app/page_scripts/learn.py").run()
    at.switch_page(PAGE).run()
    assert at.session_state[KEY] == expected
    assert (
        at.number_input(key="settings.height").value == 182.0
        and at.radio(key="settings.method").value == "3d"
    )


def test_a_bad_model_file_is_named_and_the_bundled_model_kept(tmp_path: Path) -> None:
    bad = tmp_path / "model.task"
    bad.write_bytes(b"not a zip")
    at = _settings_page()
    at.text_input(key="settings.model").set_value(str(bad)).run()
    assert not at.exception
    assert (
        len(at.error) == 1
        and str(bad) in at.error[0].value
        and "not a MediaPipe .task bundle" in at.error[0].value
    )
    assert at.session_state[KEY].model_path is None


def test_settings_map_onto_the_analysis_options(tmp_path: Path) -> None:
    settings = AppSettings(
        model_path="/m.task", num_people=2, cutoff_hz=4.0, height_cm=170.0, camera_roll_deg=3.0
    )
    options = settings.analyze_options(tmp_path, num_people=5, masks=True)
    assert options.out_dir == tmp_path and options.model_path == Path("/m.task")
    assert options.num_people == 5 and options.masks and not options.progress
    measure = options.measure
    assert (measure.cutoff_hz, measure.height_cm, measure.camera_roll_deg, measure.method) == (
        4.0,
        170.0,
        3.0,
        "auto",
    )
    assert settings.analyze_options(tmp_path).num_people == 2
    assert settings.cache_key() != AppSettings().cache_key() and settings.cache_key() == settings.cache_key()


def test_privacy_defaults() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1"
    assert 0 < config["server"]["maxUploadSize"] <= 2048
    assert config["client"]["showErrorDetails"] == "none"  # a traceback never reaches the user


def test_a_known_camera_pitch_reaches_the_measures() -> None:
    at = _settings_page()
    at.toggle(key="settings.pitch_known").set_value(True).run()
    at.number_input(key="settings.pitch").set_value(20.0).run()
    settings = at.session_state[KEY]
    assert settings.camera_pitch_deg == 20.0 and settings.measure_options().camera_pitch_deg == 20.0
    assert AppSettings().measure_options().camera_pitch_deg is None, "estimated when not known"
