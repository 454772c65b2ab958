"""Passerelle: the service, independent of Telegram."""
