"""Page script run by ``st.navigation``; the page itself is :mod:`posturecheck.app.views.analyse`."""

from posturecheck.app.views.analyse import render

render()
