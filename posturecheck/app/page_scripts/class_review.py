"""Page script run by ``st.navigation``; the page itself is :mod:`posturecheck.app.views.class_review`."""

from posturecheck.app.views.class_review import render

render()
