"""Network layer: classical links (and, later, entanglement links)."""
