"""Pure-Python core of atscale: config, data loading, statistics and text. Never imports streamlit."""
