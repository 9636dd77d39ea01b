"""Start the app with its privacy settings given on Streamlit's command line.

``streamlit run app.py`` reads ``.streamlit/config.toml`` only from the
folder it is started in; started anywhere else it would listen on every
network interface and send usage statistics. ``posturecheck app`` passes the
same settings as flags, so they hold whatever the working folder is.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

APP_SCRIPT = Path(__file__).with_name("script.py")
LOCALHOST = "127.0.0.1"
DEFAULT_PORT = 8501

# The settings of the project's .streamlit/config.toml (a test keeps the two equal), as flag values.
SERVER_SETTINGS: dict[str, str] = {
    "browser.gatherUsageStats": "false",
    "server.headless": "true",
    "server.maxUploadSize": "1024",
    "client.showErrorDetails": "none",
    "client.toolbarMode": "viewer",
    "theme.base": "light",
    "theme.primaryColor": "#1f6f8b",
}


def streamlit_argv(port: int = DEFAULT_PORT, address: str = LOCALHOST) -> list[str]:
    """The ``streamlit run`` command line serving the app on ``address:port`` with the privacy settings."""
    argv = ["streamlit", "run", str(APP_SCRIPT), "--server.address", address, "--server.port", str(port)]
    for name, value in SERVER_SETTINGS.items():
        argv += [f"--{name}", value]
    return argv


def address_warning(address: str) -> str | None:
    """A warning when ``address`` lets other machines reach the app; ``None`` for loopback addresses."""
    try:
        if ipaddress.ip_address(address).is_loopback:
            return None
    except ValueError:
        if address == "localhost":
            return None
    return (
        f"the app will listen on {address}: other machines on the network can open it and see "
        "the clips and results shown in it"
    )


def privacy_problems() -> list[str]:
    """What in the running server's settings lets data leave this computer, in plain words (empty: nothing).

    Streamlit's own defaults (met when the app is started without
    ``posturecheck app`` outside the repository) listen on every network
    interface and send usage statistics.
    """
    from streamlit import config

    problems = []
    address = config.get_option("server.address") or ""
    if not address or address_warning(address):
        listening = f"on {address}" if address else "on every network interface"
        problems.append(
            f"This app is listening {listening}: other machines on the network may open it and see "
            "what is shown here."
        )
    if config.get_option("browser.gatherUsageStats"):
        problems.append("Streamlit's usage statistics are switched on: this browser sends them out.")
    return problems
