"""Importing plugin packages from a directory, the way Metagov loads ``metagov/plugins/<name>/``."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Dict, List

import metagov.plugins
from metagov.core.plugin_manager import plugin_registry


class PluginLoadError(Exception):
    """A plugin package failed to import."""


def load_plugins(directory: str) -> Dict[str, type]:
    """Imports every package ``DIRECTORY/NAME/`` as ``metagov.plugins.NAME``, then its ``models`` module when it
    has one (Metagov's plugins define their classes there; ``apps.py`` and ``handlers.py`` are Django's and are
    not imported). Names starting with ``_`` or ``.`` are skipped. Returns the registered plugin types (name →
    class), including any registered before. Raises PluginLoadError naming the package that failed."""
    root = Path(directory).resolve()
    if not root.is_dir():
        raise PluginLoadError(f"plugin directory {directory} does not exist")
    if str(root) not in metagov.plugins.__path__:
        metagov.plugins.__path__.append(str(root))
    for package in _packages(root):
        module = f"metagov.plugins.{package.name}"
        try:
            importlib.import_module(module)
            if (package / "models.py").is_file():
                importlib.import_module(f"{module}.models")
        except Exception as error:
            raise PluginLoadError(f"plugin package '{package.name}' ({package}) failed to import: "
                                  f"{type(error).__name__}: {error}") from error
    return dict(plugin_registry)


def _packages(root: Path) -> List[Path]:
    return sorted(entry for entry in root.iterdir()
                  if entry.is_dir() and not entry.name.startswith(("_", ".")))
