"""``posturecheck app``: the app listens on 127.0.0.1 with usage statistics off, from any folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from posturecheck.app.launch import (
    APP_SCRIPT,
    LOCALHOST,
    SERVER_SETTINGS,
    address_warning,
    privacy_problems,
    streamlit_argv,
)
from tests.app_server import running_app

ROOT = Path(__file__).resolve().parents[1]


def _listening_addresses(port: int) -> set[str]:
    """IPv4 addresses with a socket listening on ``port`` (from /proc/net/tcp, state 0A = LISTEN)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address_hex, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:
            found.add(socket.inet_ntoa(bytes.fromhex(address_hex)[::-1]))
    return found


def test_the_flags_are_the_projects_config() -> None:
    """``streamlit run app.py`` in the repository and ``posturecheck app`` anywhere: the same settings."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    for name, value in SERVER_SETTINGS.items():
        section, key = name.split(".")
        assert str(config[section][key]).lower() == value, name
    assert config["server"]["address"] == LOCALHOST
    argv = streamlit_argv(9000)
    assert argv[:3] == ["streamlit", "run", str(APP_SCRIPT)]
    assert argv[argv.index("--server.address") + 1] == LOCALHOST
    assert argv[argv.index("--browser.gatherUsageStats") + 1] == "false"


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_addresses_need_no_warning(address: str) -> None:
    assert address_warning(address) is None


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "::", "myhost.local"])
def test_other_addresses_are_warned_about(address: str) -> None:
    warning = address_warning(address)
    assert warning is not None and address in warning and "network" in warning


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc/net/tcp")
def test_app_started_elsewhere_listens_on_localhost_only(tmp_path: Path) -> None:
    """Started where there is no config (folder or home), it still binds to 127.0.0.1 only."""
    env = {**os.environ, "HOME": str(tmp_path)}
    with running_app([sys.executable, "-m", "posturecheck.cli", "app"], tmp_path, env) as app:
        assert _listening_addresses(app.port) == {LOCALHOST}
    assert "Traceback" not in app.output
    assert f"http://{LOCALHOST}:{app.port}" in app.output


def test_streamlits_own_defaults_are_named_as_privacy_problems() -> None:
    """Started without its settings, the app says it listens on every interface and sends statistics."""
    from streamlit import config
    from streamlit.config_option import ConfigOption

    saved = {
        key: (config.get_option(key), config.get_where_defined(key))
        for key in ("server.address", "browser.gatherUsageStats")
    }
    try:
        config.set_option("server.address", None, ConfigOption.DEFAULT_DEFINITION)
        config.set_option("browser.gatherUsageStats", True, ConfigOption.DEFAULT_DEFINITION)
        problems = privacy_problems()
        assert len(problems) == 2
        assert "every network interface" in problems[0] and "usage statistics" in problems[1]
        config.set_option("server.address", LOCALHOST)
        config.set_option("browser.gatherUsageStats", False)
        assert privacy_problems() == []
    finally:
        for key, (value, where) in saved.items():
            config.set_option(key, value, where)


def test_with_the_projects_settings_the_app_shows_no_privacy_warning() -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert not [w.value for w in at.warning if "posturecheck app" in w.value]


def test_started_elsewhere_without_its_settings_the_app_says_so(tmp_path: Path) -> None:
    """``streamlit run`` outside the repository gets Streamlit's defaults: the page warns at its top."""
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60)\n"
        "at.run()\n"
        "print([w.value for w in at.warning])\n"
    )
    env = {**os.environ, "HOME": str(tmp_path)}
    shown = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    assert "every network interface" in shown.stdout and "posturecheck app" in shown.stdout
