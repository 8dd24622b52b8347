"""Changes to how the Rasa server process itself runs, installed explicitly by scripts/serve.py
(nothing here is done on import)."""
