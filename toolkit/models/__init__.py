"""Installed translation models: the store, its manifests, and the installers that fill it."""

from toolkit.models.store import InstalledModel, Manifest, ModelStore

__all__ = ["InstalledModel", "Manifest", "ModelStore"]
