"""The demo city of DEMO.md: ``load_demo()`` and ``flask demo load [--persons N]``."""
from app.demo.loader import DEFAULT_PERSONS, DemoError, load_demo

__all__ = ["DEFAULT_PERSONS", "DemoError", "load_demo"]
