"""Issue 22's proof that the numbers agree: a month of two centers' work made only through
the services a customer, support and a technician use (the claim form's service, support's
approval, the step runner every screen runs, «Мой ремонт»'s quote answer and rating), then
the same totals read back wherever people read them — each report's page table, its CSV and
its XLSX, and each center's monthly warranty statement on its page, in its XLSX and in its
PDF. The expected figures are written out by hand from what the test built, never taken
from the code under test.

The month is the current one (as the reports' own tests build it): every step happens now.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

import pypdf
import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from claims import services as claim_services
from claims.models import ProductModel
from repairs import order_numbers
from repairs import services as repair_services
from repairs.models import FaultCategory, LineData, OrderStatus, WorkLine
from repairs.services import customer
from repairs.statements.services import prepare_statement
from repairs.steps import run_step
from repairs.tests.factories import (
    INTAKE_ACT_DATA,
    ServiceCenterFactory,
    SupportUserFactory,
    TechnicianFactory,
)

pytestmark = pytest.mark.django_db

L20 = "DREAME L20 Ultra"  # a robot vacuum
H12 = "DREAME H12 Dual"  # a wet and dry vacuum
PART, LABOUR = WorkLine.Kind.PART, WorkLine.Kind.LABOUR
REGION = "Область или город республиканского значения"  # the claims report's column
# Days from purchase to the claim, for the verdict each order needs (DESIGN §1).
FREE, REPLACE, REFUND, PAID = 90, 20, 10, 400


def downloaded(response) -> bytes:
    """A download's bytes, whether it is sent whole or streamed from a file."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def line(kind, description, quantity, price, part_number=""):
    return LineData(
        kind=kind,
        description=description,
        part_number=part_number,
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
    )


# --- The month of work -------------------------------------------------------------------


@dataclass
class Month:
    support: object
    almaty: object  # technicians
    astana: object
    orders: dict  # name -> RepairOrder


def submit(model: str, *, region: str, days_since_purchase: int, n: int):
    """The claim form's service, as the public form calls it."""
    product = ProductModel.objects.get(name=model)
    return claim_services.submit_claim(
        data={
            "full_name": f"Клиент {n}",
            "email": f"client{n}@example.kz",
            "phone": "+77012345678",
            "whatsapp": "",
            "region": region,
            "city": region,
            "address": "ул. Абая, 10",
            "postal_code": "050000",
            "product": product,
            "product_model": model,
            "serial_number": f"SN-MONTH-{n:03d}",
            "purchase_date": timezone.localdate() - datetime.timedelta(days=days_since_purchase),
            "seller": "Technodom",
            "fault_description": "Не работает.",
        },
        language="ru",
    )


def fault(model: str, code: str) -> FaultCategory:
    category = ProductModel.objects.get(name=model).category
    return FaultCategory.objects.get(product_category=category, code=code)


class Walk:
    """One order walked through the step runner by its center's technician."""

    def __init__(self, order, technician):
        self.order, self.by = order, technician.user

    def step(self, name, **values):
        self.order, _event = run_step(self.order, name, by=self.by, values=values)
        return self

    def receive(self, verdict):
        act = {**INTAKE_ACT_DATA, "final_verdict": verdict, "serial_number": "SN-ACT"}
        return self.step("receive", act_data=act).step("start_diagnostics")

    def ship_back(self, *, deliver: bool):
        self.step("ship_back", carrier="CDEK", tracking_number="1234567890")
        return self.step("confirm_delivery") if deliver else self

    def answer_quote(self, *, accept: bool):
        customer.decide_quote(
            order=self.order,
            accept=accept,
            amount_shown=self.order.quote_amount,
            wording="Я согласен на платный ремонт.",
            language="ru",
            client_address="10.0.0.7",
        )
        self.order.refresh_from_db()
        return self

    def rate(self, score):
        customer.rate_service(order=self.order, score=score)
        return self


@pytest.fixture
def month() -> Month:
    """Almaty: two warranty repairs (one delivered and rated 5, one shipped), a paid repair
    accepted (22 000 ₸, delivered, rated 2), a quote declined (9 000 ₸, shipped back).
    Astana: a warranty repair (delivered, rated 4), a replacement (delivered, rated 5), a
    refund, a paid repair accepted (15 000 ₸) still in repair; and one claim support has
    not answered yet (due in 10 days)."""
    support = SupportUserFactory()
    almaty = TechnicianFactory(service_center=ServiceCenterFactory(name="Алматы Сервис"))
    astana = TechnicianFactory(
        service_center=ServiceCenterFactory(name="Астана Сервис", city="Астана")
    )
    plan = [  # name, technician, model, region, days since purchase
        ("a1", almaty, L20, "Алматы", FREE),
        ("a2", almaty, L20, "Алматы", FREE),
        ("a3", almaty, H12, "Алматы", PAID),
        ("a4", almaty, L20, "Алматы", PAID),
        ("b1", astana, H12, "Астана", FREE),
        ("b2", astana, L20, "Астана", REPLACE),
        ("b3", astana, H12, "Астана", REFUND),
        ("b4", astana, L20, "Астана", PAID),
    ]
    walks = {}
    for n, (name, technician, model, region, days) in enumerate(plan, start=1):
        claim = submit(model, region=region, days_since_purchase=days, n=n)
        order = repair_services.approve_claim_and_open_order(
            claim=claim, service_center=technician.service_center, by=support
        )
        walks[name] = Walk(order, technician)
    submit(H12, region="Астана", days_since_purchase=FREE, n=99)  # still with support

    # Almaty's warranty repairs: 12 000 + 3 000, and 2 × 4 500 + 2 500.
    walks["a1"].receive("free_repair").step(
        "start_repair", fault_category=fault(L20, "not_charging")
    ).step(
        "complete",
        work_done="Заменена плата зарядки",
        lines=[
            line(PART, "Плата зарядки", 1, 12000, "DR-CHG-01"),
            line(LABOUR, "Замена платы", 1, 3000),
        ],
    ).ship_back(deliver=True).rate(5)
    walks["a2"].receive("free_repair").step(
        "start_repair", fault_category=fault(L20, "weak_suction")
    ).step(
        "complete",
        lines=[
            line(PART, "Боковая щётка", 2, 4500, "DR-BR-02"),
            line(LABOUR, "Чистка и замена щёток", 1, 2500),
        ],
    ).ship_back(deliver=False)
    # Almaty's paid repairs: 18 000 + 4 000 accepted and done; 9 000 declined.
    walks["a3"].receive("paid_repair").step(
        "send_quote",
        fault_category=fault(H12, "roller"),
        description="Замена мотора валика",
        lines=[
            line(PART, "Мотор валика", 1, 18000, "DR-RM-03"),
            line(LABOUR, "Замена мотора", 1, 4000),
        ],
    ).answer_quote(accept=True).step("complete").ship_back(deliver=True).rate(2)
    walks["a4"].receive("paid_repair").step(
        "send_quote",
        fault_category=fault(L20, "not_charging"),
        description="Замена аккумулятора",
        lines=[line(PART, "Аккумулятор", 1, 9000, "DR-BAT-04")],
    ).answer_quote(accept=False).ship_back(deliver=False)
    # Astana: a warranty repair of 7 000 + 2 × 1 500; a new unit; a refund; a paid repair.
    walks["b1"].receive("free_repair").step(
        "start_repair", fault_category=fault(H12, "water_leak")
    ).step(
        "complete",
        lines=[
            line(PART, "Насос подачи воды", 1, 7000, "DR-PMP-05"),
            line(LABOUR, "Диагностика и замена насоса", 2, 1500),
        ],
    ).ship_back(deliver=True).rate(4)
    walks["b2"].receive("replace_or_refund").step(
        "resolve_replacement", new_serial="SN-NEW-0002", fault_category=fault(L20, "lidar_map")
    ).ship_back(deliver=True).rate(5)
    walks["b3"].receive("return_refund").step(
        "resolve_refund", fault_category=fault(H12, "not_charging"), confirm_refund=True
    )
    walks["b4"].receive("paid_repair").step(
        "send_quote",
        fault_category=fault(L20, "weak_suction"),
        description="Замена мотора всасывания",
        lines=[
            line(PART, "Мотор всасывания", 1, 11000, "DR-SM-06"),
            line(LABOUR, "Замена мотора", 1, 4000),
        ],
    ).answer_quote(accept=True)

    orders = {name: walk.order for name, walk in walks.items()}
    assert orders["b4"].status == OrderStatus.IN_REPAIR and orders["b3"].is_final
    return Month(support=support, almaty=almaty, astana=astana, orders=orders)


# --- Reading a report as people read it --------------------------------------------------


class TableReader(HTMLParser):
    """The cells' text of the first <table> whose class holds `table_class`, row by row
    (the header row first). Only what a reader sees: tags and markup are dropped. A footer
    (a totals row, say) is left out: it is not one of the table's rows."""

    def __init__(self, table_class: str):
        super().__init__()
        self.table_class, self.depth, self.done, self.footer = table_class, 0, False, False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "table" and self.table_class in (dict(attrs).get("class") or "").split():
            self.depth += 1
        elif self.depth and tag == "tfoot":
            self.footer = True
        elif self.footer:
            return
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "tfoot":
            self.footer = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.depth, self.done = 0, True

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def read_table(page: str, table_class: str) -> list[list[str]]:
    reader = TableReader(table_class)
    reader.feed(page)
    assert reader.rows, f"the page has no table.{table_class}"
    return [row for row in reader.rows if row]


def as_number(text) -> float:
    """33,3 (Russian) and 33.3, 12 000 and 12000 alike; an empty cell or a dash is 0."""
    if isinstance(text, int | float):
        return float(text)
    text = re.sub(r"[\s\u00a0\u202f₸]", "", text or "").replace(",", ".")
    return 0.0 if text in ("", "—") else float(text)


@dataclass
class Table:
    """A report's table as dicts, whatever the form it came in (`source`: the page, the
    CSV or the XLSX, named in a failure's message)."""

    source: str
    rows: list[dict]

    @classmethod
    def of(cls, source: str, rows) -> "Table":
        header, *body = [list(row) for row in rows]
        return cls(source, [dict(zip(header, row, strict=True)) for row in body])

    def total(self, column: str) -> float:
        return sum(as_number(row[column]) for row in self.rows)

    def by(self, key: str, column: str) -> dict[str, float]:
        sums: dict[str, float] = {}
        for row in self.rows:
            sums[row[key]] = sums.get(row[key], 0) + as_number(row[column])
        return sums


def this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def report_url(slug: str, **params) -> str:
    query = "&".join(
        f"{k}={v}" for k, v in {"start": this_month(), "end": this_month(), **params}.items()
    )
    return f"/admin/reports/{slug}/?{query}"


def report(client, slug: str, **params) -> tuple[Table, Table, Table]:
    """The report's page table, its CSV and its XLSX for the month (and `params`)."""
    page = client.get(report_url(slug, **params))
    assert page.status_code == 200
    as_csv = client.get(report_url(slug, format="csv", **params))
    text = b"".join(as_csv.streaming_content).decode("utf-8-sig")
    as_xlsx = client.get(report_url(slug, format="xlsx", **params))
    sheet = load_workbook(io.BytesIO(downloaded(as_xlsx)), read_only=True).active
    return (
        Table.of("page", read_table(page.content.decode(), "report-table")),
        Table.of("CSV", csv.reader(io.StringIO(text))),
        Table.of("XLSX", sheet.iter_rows(values_only=True)),
    )


@pytest.fixture
def support(month) -> Client:
    client = Client()
    client.force_login(month.support)
    return client


# --- The reports ---------------------------------------------------------------------------


def test_claims_and_orders_per_model_agree_in_the_page_the_csv_and_the_xlsx(support, month):
    # 9 claims: L20 × 5 (a1 a2 a4 b2 b4), H12 × 4 (a3 b1 b3 and the one support has not
    # answered); 8 orders: L20 × 5, H12 × 3.
    for form in report(support, "claims-orders"):
        assert form.total("Заявки") == 9
        assert form.total("Заказы на ремонт") == 8
        assert form.by("Модель", "Заказы на ремонт") == {L20: 5, H12: 3}
        assert form.by(REGION, "Заявки") == {"Алматы": 4, "Астана": 5}
    # One center's: Almaty's 4 orders, L20 × 3 and H12 × 1.
    for form in report(support, "claims-orders", center=month.almaty.service_center.pk):
        assert form.by("Модель", "Заказы на ремонт") == {L20: 3, H12: 1}


def test_replacements_and_refunds_count_the_same_orders_per_model(support, month):
    for form in report(support, "replacements-refunds"):
        rows = {row["Модель"]: row for row in form.rows}
        assert set(rows) == {L20, H12}
        # The same orders per model as the claims report: L20 × 5 with b2's new unit,
        # H12 × 3 with b3's refund.
        assert as_number(rows[L20]["Заказы на ремонт"]) == 5
        assert as_number(rows[L20]["Замены"]) == 1 and as_number(rows[L20]["Возвраты денег"]) == 0
        assert as_number(rows[L20]["Замены и возвраты, %"]) == 20.0
        assert as_number(rows[H12]["Заказы на ремонт"]) == 3
        assert as_number(rows[H12]["Замены"]) == 0 and as_number(rows[H12]["Возвраты денег"]) == 1
        assert as_number(rows[H12]["Замены и возвраты, %"]) == 33.3


def test_quotes_accepted_and_declined_agree_in_kzt(support, month):
    # Accepted: a3's 22 000 and b4's 15 000; declined: a4's 9 000.
    for form in report(support, "quotes"):
        (row,) = form.rows
        assert as_number(row["Принято"]) == 2 and as_number(row["Отклонено"]) == 1
        assert as_number(row["Принято, ₸"]) == 37000
        assert as_number(row["Отклонено, ₸"]) == 9000
        assert as_number(row["Принято, %"]) == 66.7
    for form in report(support, "quotes", center=month.astana.service_center.pk):
        (row,) = form.rows
        assert as_number(row["Принято, ₸"]) == 15000 and as_number(row["Отклонено"]) == 0


def test_fault_categories_per_model_agree(support, month):
    # Faults picked as diagnostics ended: L20 (5 claims) not charging a1 a4, weak suction
    # a2 b4, lidar b2; H12 (4 claims) roller a3, water b1, not charging b3.
    expected = {
        (L20, "Не заряжается"): (2, 40.0),
        (L20, "Не всасывает / слабая тяга"): (2, 40.0),
        (L20, "Не строит карту / ошибка лидара"): (1, 20.0),
        (H12, "Не вращается валик"): (1, 25.0),
        (H12, "Протекает / не подаёт воду"): (1, 25.0),
        (H12, "Не заряжается"): (1, 25.0),
    }
    for form in report(support, "faults"):
        found = {
            (row["Модель"], row["Категория неисправности"]): (
                as_number(row["Заказы на ремонт"]),
                as_number(row["На 100 заявок"]),
            )
            for row in form.rows
        }
        assert found == expected


def test_ratings_and_returns_per_center_agree(support, month):
    # Ratings: Almaty 5 and 2, Astana 4 and 5.
    for form in report(support, "ratings"):
        rows = {row["Сервисный центр"]: row for row in form.rows}
        assert {name: as_number(row["Оценок"]) for name, row in rows.items()} == {
            "Алматы Сервис": 2,
            "Астана Сервис": 2,
        }
        assert as_number(rows["Алматы Сервис"]["Средняя"]) == 3.5
        assert as_number(rows["Астана Сервис"]["Средняя"]) == 4.5
        assert as_number(rows["Астана Сервис"]["5 ★"]) == 1
    # Returns: Almaty a1 a2 a3 a4 (delivered or shipped back), Astana b1 b2; all the same
    # day as the claim. b3 was refunded, b4 is still in repair.
    for form in report(support, "return-days"):
        assert form.by("Сервисный центр", "Возвраты") == {"Алматы Сервис": 4, "Астана Сервис": 2}
        assert form.by("Сервисный центр", "0–7 дн.") == {"Алматы Сервис": 4, "Астана Сервис": 2}


def test_every_claim_was_answered_in_time(support, month):
    # 8 claims approved the day they came; the ninth is due in 10 days.
    for form in report(support, "late-replies"):
        (row,) = form.rows
        assert as_number(row["Заявки"]) == 9
        assert as_number(row["Ответ в срок"]) == 8
        assert as_number(row["Ответ с опозданием"]) == 0
        assert as_number(row["Без ответа, срок прошёл"]) == 0


# --- The monthly warranty statements -----------------------------------------------------


def statement_of(month, technician):
    return prepare_statement(
        service_center=technician.service_center,
        month=timezone.localdate().replace(day=1),
        by=month.support,
    )


def page_totals(page: str) -> dict[str, float]:
    return {
        name: as_number(value) for name, value in re.findall(r'data-total="(\w+)">([^<]*)<', page)
    }


def displayed(*orders) -> set[str]:
    return {order_numbers.display(order.order_number) for order in orders}


# Per center: its warranty orders and the sums written out by hand.
# Almaty: a1 12 000 + 3 000, a2 9 000 + 2 500 (a3 is paid by its customer, a4 unrepaired).
# Astana: b1 7 000 + 3 000 (b2's new unit has no lines; b3 is a refund, b4 paid).
STATEMENTS = {
    "almaty": {"orders": ("a1", "a2"), "lines": 4, "parts": 21000, "labour": 5500, "total": 26500},
    "astana": {"orders": ("b1",), "lines": 2, "parts": 7000, "labour": 3000, "total": 10000},
}


@pytest.mark.parametrize("center", list(STATEMENTS))
def test_the_statement_page_its_xlsx_and_its_pdf_hold_the_months_warranty_work(
    support, month, center
):
    expected = STATEMENTS[center]
    technician = getattr(month, center)
    statement = statement_of(month, technician)
    orders = displayed(*(month.orders[name] for name in expected["orders"]))
    base = f"/admin/statements/{statement.pk}/"

    # The page: its lines, their orders, the totals.
    page = support.get(base).content.decode()
    header, *lines = read_table(page, "statement-table")
    assert len(lines) == expected["lines"]
    assert {row[header.index("Заказ")] for row in lines} == orders
    assert sum(as_number(row[header.index("Сумма")]) for row in lines) == expected["total"]
    assert page_totals(page) == {k: expected[k] for k in ("parts", "labour", "total")}
    # The center's own copy on the workbench says the same.
    own = Client()
    own.force_login(technician.user)
    workbench = own.get(f"/service/statements/{statement.pk}/").content.decode()
    assert page_totals(workbench) == page_totals(page)

    # The XLSX: the lines under their header, then the totals, numbers as numbers.
    sheet = load_workbook(io.BytesIO(downloaded(support.get(f"{base}statement.xlsx")))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "Заказ")
    columns = rows[start]
    body = rows[start + 1 : start + 1 + expected["lines"]]
    amount = columns.index("Сумма, ₸")
    assert {row[0] for row in body} == orders
    assert sum(row[amount] for row in body) == expected["total"]
    sums = {row[0]: row[amount] for row in rows[start + 1 + expected["lines"] :] if row[0]}
    assert sums["Запчасти"] == expected["parts"]
    assert sums["Работа"] == expected["labour"]
    assert sums["Всего"] == expected["total"]

    # The PDF, read back as text.
    reader = pypdf.PdfReader(io.BytesIO(downloaded(support.get(f"{base}statement.pdf"))))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    text = re.sub(r"[\u00a0\u202f]", " ", text)
    for number in orders:
        assert number in text
    others = {o for name, o in month.orders.items() if name not in expected["orders"]}
    assert not displayed(*others) & set(re.findall(r"[0-9A-Z]{5}-[0-9A-Z]{5}", text))
    for key in ("parts", "labour", "total"):
        assert f"{expected[key]:,} ₸".replace(",", " ") in text, key
