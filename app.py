"""posturecheck's Streamlit app: ``streamlit run app.py``."""

from posturecheck.app.main import run

run()
