"""Importers: read NHS Digital and London Datastore downloads and write the app's input folder (no streamlit)."""
