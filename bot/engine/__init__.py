"""The interview itself: pure Python plus pydantic, no I/O libraries (a test enforces it)."""
