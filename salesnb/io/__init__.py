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
from salesnb.io.crm import CrmData, Stage, read_crm
from salesnb.io.crm_settings import CrmSettings, DashboardSettings, crm_mapping
from salesnb.io.readiness import PARTS, parts
from salesnb.io.settings import PLANNING_QUESTIONS, SETTINGS_FILE, Settings, read_settings

__all__ = [
    "PARTS",
    "PLANNING_QUESTIONS",
    "SETTINGS_FILE",
    "TABLES",
    "Client",
    "ClientFolderError",
    "CrmData",
    "CrmSettings",
    "DashboardSettings",
    "FolderCheck",
    "Problem",
    "Settings",
    "Stage",
    "check_folder",
    "crm_mapping",
    "load_client",
    "parts",
    "read_crm",
    "read_settings",
    "slugify",
    "validate",
]
