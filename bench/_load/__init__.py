"""bench/load.py's parts: the websocket tablet (ws) and what a patient taps (drive)."""
