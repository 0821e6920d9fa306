"""/admin/reports/: the list of reports and each report's page, CSV and XLSX (DESIGN §9).

Thin views over repairs.admin.reports: the same selector's rows fill the page's table,
the CSV (streamed) and the XLSX (XlsxWriter, streamed from a temporary file), so the three
show the same numbers. The chart counts every row; the table shows them a page at a time
(ten thousand rows of HTML cost more than the whole page may take), and the downloads hold
them all. Support and management see them: the `repairs.view_reports`
permission.
"""

import csv
import datetime
import re
import tempfile
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.forms import REGIONS
from dreame_service.kit.pages import page_links
from dreame_service.kit.spreadsheets import XLSX_OPTIONS, csv_value, write_row
from repairs.admin.charts import NARROW, WIDTH, bar_chart
from repairs.admin.reports import REPORTS, Filters, Report
from repairs.models import ServiceCenter

REPORTS_PERMISSION = "repairs.view_reports"
DEFAULT_MONTHS = 12
MAX_MONTHS = 60  # five years: a longer period is a typo more often than a wish
MONTH = re.compile(r"^\s*(?:(\d{4})-(\d{1,2})|(\d{1,2})\.(\d{4}))\s*$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_PAGE = 100


class MonthInput(forms.TextInput):
    input_type = "month"  # a month picker where the browser has one; typed text otherwise


def parse_month(value: str) -> datetime.date | None:
    """2026-03 (the month picker's value) or 03.2026 (typed as support writes it)."""
    match = MONTH.match(value or "")
    if not match:
        return None
    year, month = (match[1], match[2]) if match[1] else (match[4], match[3])
    try:
        return datetime.date(int(year), int(month), 1)
    except ValueError:
        return None


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


class ReportFilterForm(forms.Form):
    start = forms.CharField(label=_("From month"), required=False, widget=MonthInput)
    end = forms.CharField(label=_("To month"), required=False, widget=MonthInput)
    center = forms.ModelChoiceField(
        label=_("Service center"),
        queryset=ServiceCenter.objects.order_by("city", "name", "pk"),
        required=False,
        empty_label=_("All centers"),
    )
    model = forms.CharField(label=_("Model"), required=False, max_length=120)
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All regions")), *REGIONS]
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_end = today.replace(day=1)
        self.default_start = _add_months(self.default_end, -(DEFAULT_MONTHS - 1))
        for name, default in [("start", self.default_start), ("end", self.default_end)]:
            self.fields[name].widget.attrs["placeholder"] = f"{default:%Y-%m}"

    @classmethod
    def with_defaults(cls, query, *, today: datetime.date) -> "ReportFilterForm":
        """Bound to the query, the period's months filled in when not given: the page
        shows the period it counts (the last DEFAULT_MONTHS months)."""
        data = query.copy()
        form = cls(data, today=today)
        for name, default in [("start", form.default_start), ("end", form.default_end)]:
            if not data.get(name):
                data[name] = f"{default:%Y-%m}"
        return form

    def _clean_month(self, name: str, default: datetime.date) -> datetime.date:
        value = self.cleaned_data.get(name, "")
        if not value:
            return default
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(
                _("Enter a month as YYYY-MM or MM.YYYY, for example %(example)s."),
                code="month",
                params={"example": f"{default:%Y-%m}"},
            )
        return month

    def clean_start(self):
        return self._clean_month("start", self.default_start)

    def clean_end(self):
        return self._clean_month("end", self.default_end)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(
                    _("The first month is after the last one."), code="period"
                )
            if _months_between(start, end) > MAX_MONTHS:
                raise forms.ValidationError(
                    _("The period is longer than %(months)d months."),
                    code="period",
                    params={"months": MAX_MONTHS},
                )
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        center = data.get("center")
        return Filters(
            start=data["start"],
            end=data["end"],
            center_id=center.pk if center else None,
            model=data.get("model", "").strip(),
            region=data.get("region", ""),
        )


def _add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _require_permission(request) -> None:
    if not request.user.has_perm(REPORTS_PERMISSION):
        raise PermissionDenied


def reports_index(request, *, site):
    _require_permission(request)
    context = {
        **site.each_context(request),
        "title": gettext("Reports"),
        "reports": REPORTS.values(),
    }
    return TemplateResponse(request, "admin/reports/index.html", context)


def report_page(request, slug: str, *, site):
    """The report's page; `?format=csv|xlsx` downloads its table instead."""
    _require_permission(request)
    report = REPORTS.get(slug)
    if report is None:
        raise Http404
    wanted = request.GET.get("format", "")
    form = ReportFilterForm.with_defaults(request.GET, today=timezone.localdate())
    context = {
        **site.each_context(request),
        "title": report.title,
        "report": report,
        "reports": REPORTS.values(),
        "form": form,
        "format_error": "",
    }
    if wanted not in ("", "csv", "xlsx"):
        context["format_error"] = gettext("Downloads are CSV or XLSX.")
    elif form.is_valid():
        filters = form.filters()
        rows = report.selector(filters)
        if wanted:
            return _export(report, rows, filters, wanted)
        # A bad or too large ?page= gets the first or the last page (get_page), never an error.
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            filters=filters,
            page=page,
            page_links=page_links(page),
            rows_shown=_rows_shown(page),
            rows=[[_cell(value) for value in row] for row in page],
            # The office screen's chart and the phone's, one shown by the style sheet; each
            # counts every row, not the page's.
            charts=[_draw(report, rows, filters, width) for width in (WIDTH, NARROW)]
            if rows
            else [],
            query=_filters_query(request),
        )
    return TemplateResponse(request, "admin/reports/report.html", context)


def _draw(report: Report, rows: list[tuple], filters: Filters, width: int):
    chart = report.chart(rows)
    return bar_chart(
        chart_id=f"chart-{report.slug}-{width}",
        title=str(report.title),
        description=_chart_description(report, filters),
        categories=chart.categories,
        series=chart.series,
        axis_label=str(chart.axis_label),
        decimals=chart.decimals,
        top=chart.top,
        width=width,
    )


def _chart_description(report: Report, filters: Filters) -> str:
    return gettext(
        "%(description)s From %(start)s to %(end)s. The table under the chart and its "
        "downloads have every figure."
    ) % {
        "description": report.description,
        "start": f"{filters.start:%m.%Y}",
        "end": f"{filters.end:%m.%Y}",
    }


@dataclass(frozen=True)
class Cell:
    text: str
    number: bool  # right-aligned, in the reader's decimal format


def _cell(value) -> Cell:
    if value is None:
        return Cell("—", number=True)
    if isinstance(value, float):
        return Cell(number_format(value, use_l10n=True), number=True)
    return Cell(str(value), number=isinstance(value, int))


def _filters_query(request) -> str:
    """The filters as the query string every link of the page keeps (the downloads', the
    pages'): without the format and the page, which each link sets itself."""
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("page", None)
    return query.urlencode()


def _rows_shown(page) -> str:
    """«Строки 101–200 из 9 432.», and that the downloads hold them all; nothing when the
    table fits one page."""
    if not page.has_other_pages():
        return ""
    return gettext("Rows %(first)s–%(last)s of %(count)s. The CSV and XLSX hold every row.") % {
        "first": number_format(page.start_index(), force_grouping=True),
        "last": number_format(page.end_index(), force_grouping=True),
        "count": number_format(page.paginator.count, force_grouping=True),
    }


# --- Downloads: the same rows ----------------------------------------------------------


def _filename(report: Report, filters: Filters, extension: str) -> str:
    return f"{report.slug}_{filters.start:%Y-%m}_{filters.end:%Y-%m}.{extension}"


def _export(report: Report, rows: list[tuple], filters: Filters, wanted: str):
    header = [str(column) for column in report.columns]
    if wanted == "csv":
        return _csv(header, rows, _filename(report, filters, "csv"))
    return _xlsx(header, rows, str(report.title), _filename(report, filters, "xlsx"))


class _Echo:
    """csv.writer's file: hands each line back instead of keeping it."""

    def write(self, value: str) -> str:
        return value


def _csv(header: list[str], rows: list[tuple], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # the BOM: Excel opens the UTF-8 Cyrillic as such
        yield writer.writerow(header)
        for row in rows:
            # A model name typed as «=HYPERLINK(…)» by a customer stays text.
            yield writer.writerow([csv_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx(header: list[str], rows: list[tuple], title: str, filename: str) -> FileResponse:
    # Imported here: only a download needs it.
    from xlsxwriter import Workbook

    # On disk, not in memory: the workbook grows with the period's rows, and a BytesIO and
    # its bytes held it twice. The file has no name (gone from the disk once closed);
    # FileResponse sends it in chunks and closes it when the download ends.
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it, not a with)
    try:
        # in_memory: the sheet's XML is zipped from memory (a few MB at ten thousand rows)
        # rather than from temporary files of XlsxWriter's own.
        workbook = Workbook(file, {**XLSX_OPTIONS, "in_memory": True})
        sheet = workbook.add_worksheet(_sheet_name(title))
        write_row(sheet, 0, header)
        for number, row in enumerate(rows, start=1):
            # A model name typed as «=HYPERLINK(…)» by a customer stays text.
            write_row(sheet, number, row)
        workbook.close()
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX)


def _sheet_name(title: str) -> str:
    """The report's title as Excel allows a sheet's name (XlsxWriter refuses any other): 31
    characters, none of \\ / * ? : [ ], no apostrophe at either end."""
    return re.sub(r"[\\/*?:\[\]]", " ", title)[:31].strip("'")
