"""Shared by every test folder: pytest puts this folder on the import path, so test
modules in any sub-folder can import the helpers that live beside this file
(``sample_copies``)."""
