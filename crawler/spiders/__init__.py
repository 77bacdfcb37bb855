"""Spiders: they parse and yield."""
