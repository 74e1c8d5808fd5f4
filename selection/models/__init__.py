"""The domain models, one module per aggregate (STYLE.md)."""

from .org import Department, Organization

__all__ = ["Department", "Organization"]
