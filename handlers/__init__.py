"""Thin Telegram adapters: read the update, call ``bot/``, render the reply."""
