"""Live forum capture: what each STP table answers, stored safely and summed for the room. Never imports streamlit."""
