"""Tests of the demo city loader (app/demo)."""
