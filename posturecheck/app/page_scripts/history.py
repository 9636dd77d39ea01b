"""Page script run by ``st.navigation``; the page itself is :mod:`posturecheck.app.views.history`."""

from posturecheck.app.views.history import render

render()
