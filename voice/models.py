"""Family voice data. Each part lives in its own module, imported here so Django finds it."""

from .yswd_models import PublicPageSettings, YouSaidWeDid

__all__ = ["PublicPageSettings", "YouSaidWeDid"]
