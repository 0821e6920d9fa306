"""The intake act's PDF: Kazakh and Russian text that survives, and no fetch outside static."""

import io
import socket

import pypdf
import pytest

from repairs import pdf
from repairs.codes import code128_svg
from repairs.pdf import RefusedURL, StaticFilesOnly, render_pdf

RUSSIAN = "Акт приёма изделия в ремонт"
KAZAKH = "Жөндеуге қабылдау актісі: әғқңөұүһі ӘҒҚҢӨҰҮҺІ"
PIXEL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
)


def page_html(body: str) -> str:
    return f'<!doctype html><html lang="kk"><meta charset="utf-8"><body>{body}</body></html>'


@pytest.fixture
def no_network(monkeypatch):
    """Any connection attempt fails the test instead of reaching the internet."""

    def refuse(*args, **kwargs):
        pytest.fail(f"the PDF renderer tried to connect: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer asked for, with what the fetcher answered or raised."""
    calls = []
    fetch = StaticFilesOnly.fetch

    def spy(self, url, headers=None):
        try:
            response = fetch(self, url, headers)
        except Exception as error:
            calls.append((url, error))
            raise
        calls.append((url, response))
        return response

    monkeypatch.setattr(StaticFilesOnly, "fetch", spy)
    return calls


@pytest.fixture
def static_dir(settings, tmp_path):
    folder = tmp_path / "static"
    (folder / "img").mkdir(parents=True)
    settings.STATICFILES_DIRS = [folder]
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    return folder


def read_pdf(data: bytes) -> pypdf.PdfReader:
    assert data.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(data))


def test_it_renders_russian_and_kazakh_text_that_can_be_copied_back(no_network):
    reader = read_pdf(render_pdf(html=page_html(f"<h1>{RUSSIAN}</h1><p>{KAZAKH}</p>")))

    text = "".join(page.extract_text() for page in reader.pages)
    assert RUSSIAN in text
    assert KAZAKH in text


def test_it_sets_the_text_in_dejavu_with_no_fallback_font(no_network):
    reader = read_pdf(render_pdf(html=page_html(f"<p>{KAZAKH}</p><p><b>{RUSSIAN}</b></p>")))

    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts
    assert all("DejaVu" in font for font in fonts), fonts


def test_the_templates_own_font_wins_over_the_default(no_network):
    html = page_html(f"<p style=\"font-family: 'DejaVu Serif'\">{KAZAKH}</p>")

    reader = read_pdf(render_pdf(html=html))

    [font] = reader.pages[0]["/Resources"]["/Font"].values()
    assert "DejaVu-Serif" in str(font.get_object()["/BaseFont"])


def test_it_draws_an_inline_barcode_svg_as_vector_bars(no_network):
    svg = code128_svg("7KQ2M9XW4D")

    reader = read_pdf(render_pdf(html=page_html(svg)))

    content = reader.pages[0].get_contents().get_data()
    assert content.count(b" re") >= svg.count('fill="black"')


def test_it_never_fetches_a_remote_image(no_network, fetched):
    url = "http://example.com/x.png"

    data = render_pdf(html=page_html(f'<p>{RUSSIAN}</p><img src="{url}" alt="">'))

    assert data.startswith(b"%PDF-")  # the act still prints, without the image
    [(asked, answer)] = fetched
    assert asked == url
    assert isinstance(answer, RefusedURL)


def test_it_refuses_a_remote_stylesheet_and_a_file_outside_static(no_network, fetched):
    html = page_html(
        '<link rel="stylesheet" href="https://example.com/x.css">'
        '<img src="file:///etc/passwd" alt="">'
    )

    render_pdf(html=html)

    assert {url for url, _ in fetched} == {"https://example.com/x.css", "file:///etc/passwd"}
    assert all(isinstance(answer, RefusedURL) for _, answer in fetched)


def test_it_loads_data_urls_and_files_in_the_static_folder(no_network, fetched, static_dir):
    (static_dir / "img" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    )
    html = page_html(f'<img src="img/logo.svg" alt=""><img src="{PIXEL}" alt="">')

    render_pdf(html=html, base_url=str(static_dir) + "/")

    assert len(fetched) == 2
    assert not any(isinstance(answer, Exception) for _, answer in fetched)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://example.com/x.png", id="http"),
        pytest.param("https://example.com/x.png", id="https"),
        pytest.param("ftp://example.com/x.png", id="ftp"),
        pytest.param("//example.com/x.png", id="scheme_relative"),
        pytest.param("file://example.com/static/x.png", id="file_on_another_host"),
        pytest.param("file:///etc/passwd", id="file_outside_static"),
        pytest.param("gopher://127.0.0.1:6379/_INFO", id="gopher_to_redis"),
    ],
)
def test_the_fetcher_refuses_everything_but_data_and_static_files(url, static_dir, no_network):
    with pytest.raises(RefusedURL):
        StaticFilesOnly(roots=pdf.static_roots()).fetch(url)


def test_the_fetcher_refuses_a_dot_dot_path_out_of_static(static_dir, tmp_path):
    (tmp_path / "secret.txt").write_text("no")

    with pytest.raises(RefusedURL):
        StaticFilesOnly(roots=[static_dir]).fetch(f"{static_dir.as_uri()}/../secret.txt")


def test_the_fetcher_refuses_a_symlink_out_of_static(static_dir, tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    (static_dir / "img" / "link.txt").symlink_to(tmp_path / "secret.txt")

    with pytest.raises(RefusedURL):
        StaticFilesOnly(roots=[static_dir]).fetch((static_dir / "img" / "link.txt").as_uri())


def test_the_fetcher_reads_a_static_file(static_dir):
    (static_dir / "img" / "a b.txt").write_text("ok")

    response = StaticFilesOnly(roots=[static_dir]).fetch((static_dir / "img" / "a b.txt").as_uri())

    assert response.read() == b"ok"
    response.close()


def test_the_static_roots_come_from_the_settings(settings, tmp_path):
    settings.STATICFILES_DIRS = [tmp_path / "static"]
    settings.STATIC_ROOT = tmp_path / "staticfiles"

    assert pdf.static_roots() == [tmp_path / "static", tmp_path / "staticfiles"]


def test_loading_the_pdf_renderer_keeps_truncated_uploads_refused():
    # WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on at import; the upload checks of
    # the claim form run in the same processes and must still refuse a cut-off image.
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageFile

    from claims import uploads

    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "red").save(buffer, format="PNG")
    half = buffer.getvalue()[: len(buffer.getvalue()) // 2]

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(ValidationError):
        uploads.validate_receipt(SimpleUploadedFile("receipt.png", half, "image/png"))
