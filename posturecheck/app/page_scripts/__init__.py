"""Page scripts for ``st.navigation``: each only calls its view's ``render()``."""
