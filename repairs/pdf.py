"""HTML to PDF with WeasyPrint, for the printable intake act.

The act's HTML holds text a customer typed into the claim. Its resources are therefore loaded
only from `data:` URLs and from files in the project's static folders: nothing in a page can
make the server call a URL (a request forgery) or read another file on its disk.
"""

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from PIL import ImageFile
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

# Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES to True, which
# would quietly let a cut-off receipt or photo through the upload checks (claims.uploads)
# in every process that has rendered an act. Our PDFs embed only our own SVG and static
# files, so they need no tolerance for broken images: switch it back off.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# A default only: the template's own font-family wins over a user stylesheet. DejaVu
# (Debian's fonts-dejavu-core) has every Kazakh letter; fontconfig's first pick may not.
DEFAULT_FONT = "html { font-family: 'DejaVu Sans', sans-serif; }"


class RefusedURL(ValueError):
    """A resource the PDF may not load. WeasyPrint logs it and renders the page without it."""


class StaticFilesOnly(URLFetcher):
    """Loads `data:` URLs and local files under `roots`; refuses everything else."""

    def __init__(self, *, roots: list[Path]):
        super().__init__(allowed_protocols=("data", "file"))
        # resolved, so a symlink or `..` cannot lead out of them
        self.roots = [Path(root).resolve() for root in roots]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data" or (scheme == "file" and self._is_static(parts)):
            return super().fetch(url, headers)
        raise RefusedURL(f"refused to load {url!r}")

    def _is_static(self, parts) -> bool:
        if parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(parts.path)).resolve()
        return any(path.is_relative_to(root) for root in self.roots)


def static_roots() -> list[Path]:
    return [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]


def render_pdf(*, html: str, base_url: str | None = None) -> bytes:
    """The PDF of `html`. Relative links resolve against `base_url`, a file URL or path.

    `{% static %}` links start with `/`, so they point outside any base: inline the act's
    CSS and images (the codes are inline SVG), or link them relative to a static folder.
    """
    fetcher = StaticFilesOnly(roots=static_roots())
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=DEFAULT_FONT, url_fetcher=fetcher)])
