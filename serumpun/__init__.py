"""Serumpun: the Lampung–Malaysia corridor platform."""
