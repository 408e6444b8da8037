"""Reading a client folder: settings, tables, and the rules between them."""

from __future__ import annotations

from salesnb.errors import ClientFolderError, Problem
from salesnb.io.client_folder import TABLES, Client, load_client, slugify, validate
from salesnb.io.settings import PLANNING_QUESTIONS, SETTINGS_FILE, Settings, read_settings

__all__ = [
    "PLANNING_QUESTIONS",
    "SETTINGS_FILE",
    "TABLES",
    "Client",
    "ClientFolderError",
    "Problem",
    "Settings",
    "load_client",
    "read_settings",
    "slugify",
    "validate",
]
