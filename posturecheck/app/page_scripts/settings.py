"""Page script run by ``st.navigation``; the page itself is :mod:`posturecheck.app.views.settings`."""

from posturecheck.app.views.settings import render

render()
