"""Page script run by ``st.navigation``; the page itself is :mod:`posturecheck.app.views.setup_check`."""

from posturecheck.app.views.setup_check import render

render()
