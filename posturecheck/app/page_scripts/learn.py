"""Page script run by ``st.navigation``; the page itself is :mod:`posturecheck.app.views.learn`."""

from posturecheck.app.views.learn import render

render()
