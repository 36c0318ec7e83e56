"""Plugin packages, as in Metagov: ``python -m metagov.plugin_host --plugins DIR`` adds DIR to this package's
path, so that DIR/NAME/ is importable as ``metagov.plugins.NAME`` and a plugin's absolute imports
(``import metagov.plugins.NAME.schemas``) and relative ones (``from .schemas import ...``) both work."""
