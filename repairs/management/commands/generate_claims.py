"""Bench data: a whole country's claims (100,000 by default) across 10 service centers.

For measurements only (bench/bench_admin.py). Most claims were approved and have a repair
order at one of the centers; those come from repairs' `generate_orders`, called by name once
per center. This command writes the rest itself — claims waiting for support, waiting for
the customer, rejected or withdrawn — with the history each would have. Rows are inserted
with bulk_create, not through the services: no locks, no checks, no e-mails, no outbox.

`--fast` (PostgreSQL only) builds the same rows and writes them with COPY (`_copy`), ids
taken from the sequences up front: `--claims 1000000 --orders 300000 --years 3 --fast` takes
minutes (docs/benchmarks.md), with orders' work lines, fault categories, online quote
answers and ratings.
"""

import datetime
import random
from collections import Counter

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from claims import claim_numbers, warranty
from claims.forms import REGIONS
from claims.models import (
    ENDED_STATES,
    Claim,
    ClaimStatus,
    ProductModel,
    StatusEvent,
)
from claims.reference_data import PRODUCTS
from claims.selectors import warranty_policy
from repairs import rollups
from repairs.management.commands import _copy
from repairs.management.commands._bulk import times_as_given
from repairs.management.commands.generate_orders import _Maker as OrderMaker

BATCH = 2000
ORDERS_SHARE = 0.9  # approved, with a repair order in some state
# The claims without an order: what support sees waiting, and what it already turned down.
# The claims support answered (a question, a refusal): the reply clock stopped then.
ANSWERED_STATES = (ClaimStatus.NEEDS_INFO, ClaimStatus.REJECTED)
STATUS_WEIGHTS = {
    ClaimStatus.SUBMITTED: 16,
    ClaimStatus.NEEDS_INFO: 5,
    ClaimStatus.REJECTED: 58,
    ClaimStatus.CLOSED: 21,  # withdrawn by the customer
}
# The centers, with each one's share of the country's orders.
CENTERS = [
    ("Алматы", "050000", "пр. Достык, 100", 30),
    ("Астана", "010000", "пр. Мангилик Ел, 55", 20),
    ("Шымкент", "160000", "ул. Тауке хана, 12", 12),
    ("Караганда", "100000", "пр. Бухар-Жырау, 45", 8),
    ("Актобе", "030000", "пр. Абилкайыр хана, 60", 6),
    ("Павлодар", "140000", "ул. Торайгырова, 64", 5),
    ("Усть-Каменогорск", "070000", "ул. Казахстан, 70", 5),
    ("Атырау", "060000", "ул. Сатпаева, 15", 5),
    ("Костанай", "110000", "ул. Байтурсынова, 65", 5),
    ("Тараз", "080000", "ул. Толе би, 93", 4),
]
CITIES = {
    "Астана": ["Астана"],
    "Алматы": ["Алматы"],
    "Шымкент": ["Шымкент"],
    "Алматинская область": ["Қонаев", "Талгар", "Каскелен"],
    "Карагандинская область": ["Караганда", "Темиртау"],
    "Актюбинская область": ["Актобе"],
    "Павлодарская область": ["Павлодар", "Экибастуз"],
    "Восточно-Казахстанская область": ["Усть-Каменогорск"],
    "Атырауская область": ["Атырау"],
    "Костанайская область": ["Костанай", "Рудный"],
    "Жамбылская область": ["Тараз"],
    # The rest of the country's 20 regions: the reports group by region (issue 22).
    "Абайская область": ["Семей"],
    "Акмолинская область": ["Кокшетау"],
    "Жетысуская область": ["Талдыкорган"],
    "Западно-Казахстанская область": ["Уральск"],
    "Кызылординская область": ["Кызылорда"],
    "Мангистауская область": ["Актау"],
    "Северо-Казахстанская область": ["Петропавловск"],
    "Туркестанская область": ["Туркестан"],
    "Улытауская область": ["Жезказган"],
}
PLACES = [(region, city) for region, cities in CITIES.items() for city in cities]
REGION_NAMES = {code for code, _label in REGIONS}
# fmt: off
FIRST_NAMES = [
    "Айгерим", "Асель", "Мадина", "Жанна", "Дана", "Алия", "Гульнара", "Наталья", "Ольга",
    "Елена", "Татьяна", "Ирина", "Динара", "Сауле", "Камила", "Ерлан", "Нурлан", "Арман",
    "Даурен", "Бауыржан", "Асхат", "Тимур", "Максим", "Дмитрий", "Сергей", "Андрей", "Алексей",
    "Руслан", "Данияр", "Ержан", "Марат", "Канат"
]
LAST_NAMES = [
    "Сатпаев", "Нурланов", "Жумабаев", "Омаров", "Ахметов", "Искаков", "Сулейменов", "Касымов",
    "Абдрахманов", "Бекмуханов", "Тулегенов", "Садыков", "Мухамеджанов", "Ким", "Пак", "Цой",
    "Хан", "Ли", "Ковалёв", "Соколов", "Петров", "Иванов", "Смирнов", "Кузнецов", "Попов",
    "Васильев", "Новиков", "Фёдоров", "Морозов", "Волков", "Лебедев", "Козлов", "Егоров",
    "Павлов"
]
# fmt: on
PHONE_PREFIXES = ["700", "701", "702", "705", "707", "708", "747", "771", "775", "777", "778"]
FAULTS = [
    "Не заряжается от базы.",
    "Не всасывает, громкий шум мотора.",
    "Робот не находит базу, ошибка датчика.",
    "Не включается после падения напряжения.",
    "Течёт вода из резервуара при мойке.",
    "Ошибка 12: колесо заблокировано.",
]
INFO_REQUESTS = ["Пришлите, пожалуйста, фото чека целиком.", "Укажите серийный номер с наклейки."]
REJECTIONS = ["Товар куплен не у официального продавца.", "Механическое повреждение корпуса."]


class Command(BaseCommand):
    help = (
        "Bench data for measurements only: --count realistic claims (100,000 by default) "
        "across 10 service centers, 90% approved with a repair order (via generate_orders), "
        "the rest waiting, rejected or withdrawn, each with its StatusEvents. Written with "
        "bulk_create, NOT through the services (no e-mails, locks or checks): never run it "
        "on a database people use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", "--claims", type=int, default=100_000, dest="count")
        parser.add_argument(
            "--orders", type=int, help="how many of the claims have an order (90%% if not given)"
        )
        parser.add_argument(
            "--years", type=float, help="how far back the finished cases reach (about 1)"
        )
        parser.add_argument(
            "--fast", action="store_true", help="write with COPY (PostgreSQL): millions in minutes"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same claims every run")

    def handle(self, *args, count, seed, orders=None, years=None, fast=False, **options):
        if count < 1:
            raise CommandError("--count must be at least 1")
        ordered = round(count * ORDERS_SHARE) if orders is None else orders
        if not 0 <= ordered <= count:
            raise CommandError("--orders must be between 0 and --count")
        if fast and connection.vendor != "postgresql":
            raise CommandError("--fast writes with PostgreSQL's COPY: set DATABASE_URL")
        started = timezone.now()
        centers = _bench_centers()
        weights = [weight for *_place, weight in CENTERS]
        shares = _split(ordered, weights)
        span = None if years is None else max(1, round(years * 365))
        if fast:
            taken = _taken_numbers()
            with transaction.atomic(), _copy.indexes_set_aside(*_copy.bench_models()):
                _write_orders_fast(centers, shares, seed=seed, span_days=span or 300, taken=taken)
                made = _write_claims(
                    count - ordered, rng=random.Random(seed), fast=True, span_days=span, taken=taken
                )
        else:
            for index, (center_id, share) in enumerate(zip(centers, shares, strict=True)):
                if share:
                    call_command(
                        "generate_orders",
                        center_id=center_id,
                        count=share,
                        seed=seed * 100 + index,
                        build_rollups=False,  # once, below
                        stdout=self.stdout,
                    )
            made = _write_claims(count - ordered, rng=random.Random(seed), span_days=span)
        # Bulk rows fire no saves: the reports' roll-ups are built from them once, here.
        months = rollups.refresh_stale_months(everything=True)
        took = (timezone.now() - started).total_seconds()
        summary = ", ".join(f"{status} {made[status]}" for status in STATUS_WEIGHTS)
        self.stdout.write(
            f"{count} claims in {took:.0f} s: {ordered} with orders at {len(centers)} centers; "
            f"without an order: {summary}; the reports' roll-ups of {len(months)} months built"
        )


def _split(total: int, weights: list[int]) -> list[int]:
    shares = [total * weight // sum(weights) for weight in weights]
    shares[0] += total - sum(shares)
    return shares


def _bench_centers() -> list[int]:
    """The ten bench centers, each with a technician (generate_orders writes acts in their
    name); made once, found again by name."""
    ServiceCenter = apps.get_model("repairs", "ServiceCenter")
    Technician = apps.get_model("repairs", "Technician")
    technicians = Group.objects.get(name="technicians")
    ids = []
    for index, (city, postal_code, street, _weight) in enumerate(CENTERS):
        center, _created = ServiceCenter.objects.get_or_create(
            name=f"DREAME Сервис {city}",
            defaults={
                "city": city,
                "postal_address": f"{postal_code}, г. {city}, {street}",
                "phone": f"+7727244{index:04d}",
                "email": f"bench-center-{index}@example.kz",
                "working_hours": "Пн–Пт 9:00–18:00",
            },
        )
        if not Technician.objects.filter(service_center=center).exists():
            user, _created = User.objects.get_or_create(username=f"bench-tech-{index}")
            user.groups.add(technicians)
            Technician.objects.get_or_create(user=user, defaults={"service_center": center})
        ids.append(center.pk)
    return ids


def _taken_numbers() -> set[str]:
    """Claim and order numbers already in the database (the two never look alike)."""
    RepairOrder = apps.get_model("repairs", "RepairOrder")
    return set(Claim.objects.values_list("number", flat=True)) | set(
        RepairOrder.objects.values_list("order_number", flat=True)
    )


FAST_BATCH = 5000


def _write_orders_fast(centers, shares, *, seed: int, span_days: int, taken: set[str]) -> None:
    """Each center's orders (generate_orders' rows, its `_Maker`), COPYed batch by batch;
    one set of numbers for the whole run, so no two rows draw the same."""
    Technician = apps.get_model("repairs", "Technician")
    policy = warranty_policy()
    for index, (center_id, share) in enumerate(zip(centers, shares, strict=True)):
        technician = (
            Technician.objects.select_related("user", "service_center")
            .filter(service_center_id=center_id)
            .first()
        )
        if technician is None:
            raise CommandError(f"The bench center {center_id} has no technician")
        maker = OrderMaker(
            rng=random.Random(seed * 100 + index),
            center=technician.service_center,
            by=technician.user,
            policy=policy,
            fast=True,
            span_days=span_days,
            used_numbers=taken,
        )
        for start in range(0, share, FAST_BATCH):
            maker.batch(min(FAST_BATCH, share - start))


def _write_claims(
    count: int,
    *,
    rng: random.Random,
    fast: bool = False,
    span_days: int | None = None,
    taken: set[str] | None = None,
) -> Counter:
    support, _created = User.objects.get_or_create(username="bench-support", is_staff=True)
    support.groups.add(Group.objects.get(name="support"))
    maker = _ClaimMaker(
        rng=rng,
        by=support,
        policy=warranty_policy(),
        taken=set(Claim.objects.values_list("number", flat=True)) if taken is None else taken,
        fast=fast,
        span_days=span_days or 400,
    )
    size = FAST_BATCH if fast else BATCH
    made: Counter[str] = Counter()
    with transaction.atomic(), times_as_given(Claim, StatusEvent):
        for start in range(0, count, size):
            made.update(maker.batch(min(size, count - start)))
    return made


class _ClaimMaker:
    def __init__(self, *, rng, by, policy, taken, fast=False, span_days=400):
        self.rng, self.by, self.policy, self.taken = rng, by, policy, taken
        self.fast, self.span_days = fast, span_days
        self.now = timezone.now()
        self.products = dict(ProductModel.objects.values_list("name", "pk"))

    def batch(self, size: int) -> list[str]:
        statuses = self.rng.choices(
            list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=size
        )
        claims = [self._claim(status) for status in statuses]
        if self.fast:  # ids first, then COPY: children name their claim before it is written
            _copy.number(claims)
            events = [event for claim in claims for event in self._events(claim)]
            _copy.number(events)
            _copy.write_all([claims, events])
            return statuses
        claims = Claim.objects.bulk_create(claims)
        events = [event for claim in claims for event in self._events(claim)]
        StatusEvent.objects.bulk_create(events, batch_size=BATCH)
        return statuses

    def _claim(self, status: str) -> Claim:
        rng = self.rng
        # Waiting claims are days old (some past their 10 days); decided ones, up to a year.
        ages: dict[str, float] = {
            ClaimStatus.SUBMITTED: rng.uniform(0, 13),
            ClaimStatus.NEEDS_INFO: rng.uniform(2, 25),
        }
        age = ages.get(status, rng.uniform(1, self.span_days))
        submitted_at = self.now - datetime.timedelta(days=age)
        submitted_date = timezone.localdate(submitted_at)
        decided_at = self._decided_at(submitted_at)
        purchase_date = submitted_date - datetime.timedelta(days=rng.randrange(3, 700))
        region, city = rng.choice(PLACES)
        product, _category = rng.choice(PRODUCTS)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if first.endswith("а") and last.endswith(("ов", "ев", "ёв", "ин")):  # Сатпаева
            last += "а"
        has_whatsapp = rng.random() < 0.3
        phone = self._phone()
        return Claim(
            number=self._number(),
            status=status,
            verdict=warranty.assess(purchase_date, submitted_date, self.policy).verdict,
            language=rng.choice(["ru", "ru", "ru", "kk", "en"]),
            full_name=f"{first} {last}",
            email=f"{_latin(first)}.{rng.getrandbits(32):x}@example.com",
            phone=phone,
            whatsapp=(phone if rng.random() < 0.7 else self._phone()) if has_whatsapp else "",
            region=region if region in REGION_NAMES else "Алматы",
            city=city,
            address=f"ул. Абая, д. {rng.randrange(1, 200)}, кв. {rng.randrange(1, 150)}",
            postal_code=f"{rng.randrange(1, 19) * 10:03d}000",
            product_id=self.products.get(product),
            product_model=product,
            serial_number=self._serial(),
            purchase_date=purchase_date,
            seller=rng.choice(["Technodom", "Sulpak", "Mechta", "Kaspi Магазин", "Alser"]),
            fault_description=rng.choice(FAULTS),
            info_request=rng.choice(INFO_REQUESTS) if status == ClaimStatus.NEEDS_INFO else "",
            rejection_reason=rng.choice(REJECTIONS) if status == ClaimStatus.REJECTED else "",
            submitted_at=submitted_at,
            response_due_date=submitted_date + datetime.timedelta(days=self.policy.response_days),
            updated_at=submitted_at,
            # Decided a little after submission (the history row says when; see _events).
            ended_at=decided_at if status in ENDED_STATES else None,
            first_answer_at=decided_at if status in ANSWERED_STATES else None,
        )

    def _decided_at(self, submitted_at: datetime.datetime) -> datetime.datetime:
        return min(submitted_at + datetime.timedelta(days=self.rng.uniform(0.1, 2)), self.now)

    def _number(self) -> str:
        while (number := claim_numbers.generate(randbits=self.rng.getrandbits)) in self.taken:
            pass
        self.taken.add(number)
        return number

    def _serial(self) -> str:
        rng = self.rng
        return f"R{rng.randrange(2200, 2300)}{rng.choice('ABCDE')}{rng.randrange(10**7):07}"

    def _phone(self) -> str:
        return f"+7{self.rng.choice(PHONE_PREFIXES)}{self.rng.randrange(10**7):07d}"

    def _events(self, claim: Claim) -> list[StatusEvent]:
        submitted = ClaimStatus.SUBMITTED
        events = [
            StatusEvent(
                claim=claim,
                transition="submit",
                from_status="",
                to_status=submitted,
                created_at=claim.submitted_at,
            )
        ]
        step = {
            ClaimStatus.NEEDS_INFO: ("request_info", claim.info_request, self.by),
            ClaimStatus.REJECTED: ("reject", claim.rejection_reason, self.by),
            ClaimStatus.CLOSED: ("withdraw", "", None),
        }.get(claim.status)
        if step:
            transition, note, by = step
            decided_at = claim.first_answer_at or claim.ended_at
            assert decided_at is not None  # both set for these states (_claim)
            events.append(
                StatusEvent(
                    claim=claim,
                    transition=transition,
                    from_status=submitted,
                    to_status=claim.status,
                    by=by,
                    by_customer=transition == "withdraw",  # through the personal link
                    created_at=decided_at,
                    public_note=note,
                )
            )
        return events


_LATIN = str.maketrans(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәқңөұүһі",
    "abvgdeezziiklmnoprstufhccss_y_euaaqnouuhi",
)


def _latin(name: str) -> str:
    return name.lower().translate(_LATIN).replace("_", "")
