"""Page script run by ``st.navigation``; the page itself is :mod:`posturecheck.app.views.live`."""

from posturecheck.app.views.live import render

render()
