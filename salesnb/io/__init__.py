"""Reading a client folder: settings, tables, and the rules between them."""

from __future__ import annotations

from salesnb.errors import ClientFolderError, Problem
from salesnb.io.client_folder import (
    TABLES,
    Client,
    FolderCheck,
    check_folder,
    load_client,
    slugify,
    validate,
)
from salesnb.io.readiness import PARTS, parts
from salesnb.io.settings import PLANNING_QUESTIONS, SETTINGS_FILE, Settings, read_settings

__all__ = [
    "PARTS",
    "PLANNING_QUESTIONS",
    "SETTINGS_FILE",
    "TABLES",
    "Client",
    "ClientFolderError",
    "FolderCheck",
    "Problem",
    "Settings",
    "check_folder",
    "load_client",
    "parts",
    "read_settings",
    "slugify",
    "validate",
]
