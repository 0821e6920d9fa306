"""Bench data: thousands of realistic repair orders at one center, written in bulk.

For measurements only (bench/bench_workbench.py). The rows are what the services would
have written — claim, order, intake act, shipments and the whole history of StatusEvents,
spread over every state with believable times — but they are inserted with bulk_create,
not through the services: no locks, no permission checks, no e-mails, no outbox.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from inspect import signature
from itertools import pairwise

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from claims import claim_numbers, notes, warranty
from claims.models import Claim, ClaimStatus, ProductModel, StatusEvent
from claims.reference_data import OTHER_CATEGORY, PRODUCTS
from claims.selectors import warranty_policy
from repairs import order_numbers, rollups, steps, tracking
from repairs.management.commands import _copy
from repairs.management.commands._bulk import times_as_given
from repairs.models import (
    FINAL_STATES,
    FaultCategory,
    IntakeAct,
    LineData,
    OrderStatus,
    QuoteConsent,
    RepairOrder,
    ServiceCenter,
    ServiceRating,
    Shipment,
    Technician,
    WorkLine,
)
from repairs.models.remedies import verdict_allows
from repairs.states import USUAL_DAYS

S = OrderStatus
BATCH = 1000
# Most orders are history; the open ones spread over the queue's states.
STATE_WEIGHTS = {
    S.AWAITING_SHIPMENT: 8,
    S.IN_TRANSIT: 6,
    S.RECEIVED: 5,
    S.DIAGNOSTICS: 7,
    S.AWAITING_APPROVAL: 4,
    S.IN_REPAIR: 9,
    S.AWAITING_PARTS: 5,
    S.READY_FOR_RETURN: 4,
    S.SHIPPED: 5,
    S.DELIVERED: 40,
    S.REFUNDED: 2,
    S.CANCELLED: 5,
}
PHONE_PREFIXES = ["700", "701", "702", "705", "707", "708", "747", "771", "775", "777", "778"]
PLACES = [
    ("Алматы", "Алматы", "050000"),
    ("Алматинская область", "Қонаев", "040800"),
    ("Алматинская область", "Талгар", "041600"),
    ("Жетісу облысы", "Талдыкорган", "040000"),
    ("Астана", "Астана", "010000"),
    ("Шымкент", "Шымкент", "160000"),
    ("Карагандинская область", "Караганда", "100000"),
    ("Актюбинская область", "Актобе", "030000"),
    ("Павлодарская область", "Павлодар", "140000"),
    ("Восточно-Казахстанская область", "Усть-Каменогорск", "070000"),
]
FIRST_NAMES = ["Айгерим", "Дмитрий", "Наталья", "Ерлан", "Асель", "Максим", "Мадина", "Сергей"]
LAST_NAMES = ["Нурланова", "Ковалёв", "Лим", "Жумабаев", "Омарова", "Соколов", "Ким", "Петров"]
FAULTS = [
    "Не заряжается от базы.",
    "Не всасывает, громкий шум мотора.",
    "Робот не находит базу, ошибка датчика.",
    "Не включается после падения напряжения.",
]


PARTS = [
    ("Аккумулятор 5200 мА·ч", "BAT-5200"),
    ("Датчик лидара", "LDS-02"),
    ("Плата управления", "PCB-M1"),
    ("Мотор колеса", "WHL-MTR"),
    ("Насос станции", "PMP-ST"),
    ("Нагревательный элемент", "HTR-01"),
]
RATING_COMMENTS = {
    True: ["", "", "Быстро и вежливо, спасибо!", "Всё работает как новый."],
    False: ["", "Долго ждал запчасть.", "Не перезвонили вовремя."],
}
# The steps that end diagnostics: the order's fault was picked on them (repairs.steps.FAULT).
DIAGNOSED = {S.IN_REPAIR, S.AWAITING_APPROVAL, S.READY_FOR_RETURN, S.REFUNDED}


def _diagnosed(plan: "_Plan") -> bool:
    states = plan.states
    if S.DIAGNOSTICS not in states or states[-1] == S.DIAGNOSTICS:
        return False
    return states[states.index(S.DIAGNOSTICS) + 1] in DIAGNOSED


def _faults_by_product() -> dict[str, list[int]]:
    """Every product name's active fault ids (the `other` list for a product without a
    category)."""
    by_category: dict[int, list[int]] = {}
    other: list[int] = []
    for pk, category_id, code in FaultCategory.objects.filter(is_active=True).values_list(
        "pk", "product_category_id", "product_category__code"
    ):
        by_category.setdefault(category_id, []).append(pk)
        if code == OTHER_CATEGORY:
            other.append(pk)
    names = ProductModel.objects.values_list("name", "category_id")
    faults = {name: by_category.get(category_id, other) for name, category_id in names}
    for name, _category in PRODUCTS:
        faults.setdefault(name, other)
    return faults


@dataclass
class _Plan:
    status: str
    states: list[str]  # the states the order entered after it was opened, in order
    times: list[datetime.datetime]  # when it entered each, oldest first
    opened_at: datetime.datetime
    submitted_at: datetime.datetime


class Command(BaseCommand):
    help = (
        "Bench data for measurements only: --count realistic repair orders at the service "
        "center --center-id, with their claims, intake acts, shipments and StatusEvents, "
        "spread over every state. Written with bulk_create, NOT through the services (no "
        "e-mails, locks or checks): never run it on a database people use."
    )

    def add_arguments(self, parser):
        parser.add_argument("--center-id", type=int, required=True)
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, help="the same orders every run")
        parser.add_argument(
            "--no-rollups",
            dest="build_rollups",
            action="store_false",
            help="leave the reports' roll-ups to the caller (bulk rows fire no saves)",
        )

    def handle(self, *args, center_id, count, seed, build_rollups=True, **options):
        center = ServiceCenter.objects.filter(pk=center_id).first()
        if center is None:
            raise CommandError(f"No service center with id {center_id}")
        technician = Technician.objects.filter(service_center=center).select_related("user").first()
        if technician is None:
            raise CommandError(f"{center} has no technician to write the intake acts")
        maker = _Maker(
            rng=random.Random(seed),
            center=center,
            by=technician.user,
            policy=warranty_policy(),
        )
        made = Counter()
        dated = (Claim, RepairOrder, StatusEvent, IntakeAct, Shipment)
        with transaction.atomic(), times_as_given(*dated):
            for start in range(0, count, BATCH):
                made.update(maker.batch(min(BATCH, count - start)))
        summary = ", ".join(f"{status} {made[status]}" for status in STATE_WEIGHTS)
        self.stdout.write(f"{sum(made.values())} orders at {center}: {summary}")
        if build_rollups:
            rollups.refresh_stale_months(everything=True)


@cache
def _path(status: str, via_transit: bool, paid: bool) -> tuple[str, ...]:
    """The states an order went through to `status`, the usual way (`repairs.steps.path_to`):
    through "in transit" when the customer registered the parcel, through the quote when
    the repair was paid, cancelled after diagnostics."""
    if status == S.CANCELLED:
        return (*_path(S.DIAGNOSTICS, via_transit, paid), S.CANCELLED)
    names = steps.path_to(status)
    if via_transit and status not in (S.AWAITING_SHIPMENT, S.IN_TRANSIT):
        names = steps.path_to(S.IN_TRANSIT) + steps.path_to(status, start=S.IN_TRANSIT)
    states = [_targets()[name] for name in names]
    if paid and S.IN_REPAIR in states and states[states.index(S.IN_REPAIR) - 1] == S.DIAGNOSTICS:
        states.insert(states.index(S.IN_REPAIR), S.AWAITING_APPROVAL)
    return tuple(states)


@cache
def _step_between(source: str, target: str) -> str:
    return steps.step_between(source, target)  # asked millions of times by --fast


@cache
def _typed_for(name: str) -> dict:
    """What a technician typed for the transition `name`, the fields its method keeps."""
    accepted = signature(getattr(RepairOrder, name)).parameters
    return {key: value for key, value in TYPED.items() if key in accepted}


@cache
def _targets() -> dict[str, str]:
    return {name: target for name, _source, target in steps.declared_moves()}


# What the technicians typed, for each field a step's `@transition` method keeps.
TYPED = {
    # The quote is its lines' sum (the transition computes it; the rows are not generated).
    "lines": (
        LineData(
            kind="part", description="Аккумулятор", quantity=Decimal(1), unit_price=Decimal(40000)
        ),
        LineData(
            kind="labour", description="Работа", quantity=Decimal(1), unit_price=Decimal(5000)
        ),
    ),
    "description": "Замена аккумулятора",
    "part": "Аккумулятор 5200 мА·ч",
    "work_done": "Заменён аккумулятор, проверена зарядка",
    "new_serial": "R2299E0000001",
    "reason": "Клиент передумал",
}


def _bulk_create[M: Model](objs: list[M]) -> list[M]:
    return type(objs[0])._default_manager.bulk_create(objs, batch_size=2000) if objs else objs


class _Maker:
    """`fast`: rows get their ids up front and go to PostgreSQL by COPY (`_copy`), not by
    bulk_create. `span_days`: how far back the finished orders reach. `used_numbers`: the
    claim and order numbers taken, shared by the makers of one run."""

    def __init__(self, *, rng, center, by, policy, fast=False, span_days=300, used_numbers=None):
        self.rng, self.center, self.by, self.policy = rng, center, by, policy
        self.fast, self.span_days = fast, span_days
        self.now = timezone.now()
        self.products = dict(ProductModel.objects.values_list("name", "pk"))
        self.faults = _faults_by_product()
        self.fault_words = {
            row.pk: row.words() for row in FaultCategory.objects.filter(is_active=True)
        }
        self.used_numbers = set() if used_numbers is None else used_numbers

    def batch(self, size: int) -> list[str]:
        save = _copy.number if self.fast else _bulk_create
        plans = [self._plan() for _ in range(size)]
        claims = save([self._claim(plan) for plan in plans])
        orders = save([self._order(plan, claim) for plan, claim in zip(plans, claims, strict=True)])
        histories = [self._events(plan, order) for plan, order in zip(plans, orders, strict=True)]
        events = save([event for history in histories for event in history])
        acts: list[IntakeAct] = []
        shipments: list[Shipment] = []
        lines: list[WorkLine] = []
        consents: list[QuoteConsent] = []
        ratings: list[ServiceRating] = []
        for plan, order, history in zip(plans, orders, histories, strict=True):
            acts += self._act(plan, order)
            shipments += self._shipments(plan, order)
            lines += self._lines(order)
            consents += self._consent(plan, order, history)
            ratings += self._rating(plan, order)
        save(acts)
        save(shipments)
        save(lines)
        save(consents)
        save(ratings)
        if self.fast:
            _copy.write_all([claims, orders, events, acts, shipments, lines, consents, ratings])
        return [plan.status for plan in plans]

    def _plan(self) -> _Plan:
        rng = self.rng
        status = rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]
        states = list(_path(status, rng.random() < 0.7, rng.random() < 0.25))
        # Days in the current state: past the usual period for about a third of the orders.
        usual = USUAL_DAYS.get(status, 10)
        days_here = (
            rng.uniform(0, self.span_days)
            if status in FINAL_STATES
            else rng.uniform(0, 1.5 * usual)
        )
        at = self.now - datetime.timedelta(days=days_here, minutes=rng.randrange(600))
        times = []
        for _state in states:
            times.append(at)
            at -= datetime.timedelta(days=rng.uniform(0.2, 4))
        times.reverse()
        return _Plan(
            status=status,
            states=states,
            times=times,
            opened_at=at,
            submitted_at=at - datetime.timedelta(days=rng.uniform(0.1, 3)),
        )

    def _number(self, generate) -> str:
        while (number := generate(randbits=self.rng.getrandbits)) in self.used_numbers:
            pass
        self.used_numbers.add(number)
        return number

    def _claim(self, plan: _Plan) -> Claim:
        rng = self.rng
        region, city, postal_code = rng.choice(PLACES)
        product, _category = rng.choice(PRODUCTS)
        submitted_date = timezone.localdate(plan.submitted_at)
        purchase_date, verdict = self._purchase(plan, submitted_date)
        return Claim(
            number=self._number(claim_numbers.generate),
            status=ClaimStatus.CLOSED if plan.status in FINAL_STATES else ClaimStatus.APPROVED,
            verdict=verdict,
            language=rng.choice(["ru", "ru", "kk"]),
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            email=f"bench-{rng.getrandbits(40):x}@example.com",
            phone=f"+7{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**7):07d}",
            region=region,
            city=city,
            address=f"ул. Абая, д. {rng.randrange(1, 200)}, кв. {rng.randrange(1, 150)}",
            postal_code=postal_code,
            product_id=self.products.get(product),
            product_model=product,
            serial_number=self._serial(),
            purchase_date=purchase_date,
            seller=rng.choice(["Technodom", "Sulpak", "Mechta", "Kaspi Магазин"]),
            fault_description=rng.choice(FAULTS),
            submitted_at=plan.submitted_at,
            first_answer_at=plan.opened_at,  # support approved it (the history's row)
            response_due_date=submitted_date + datetime.timedelta(days=10),
            updated_at=plan.opened_at,
            # A final order closed its claim at its last move: the personal link's clock.
            ended_at=(plan.times[-1] if plan.times else plan.opened_at)
            if plan.status in FINAL_STATES
            else None,
        )

    def _purchase(self, plan: _Plan, submitted_date: datetime.date) -> tuple[datetime.date, str]:
        """A purchase date whose verdict allows the plan's remedy (a refund only early on,
        a quote only out of warranty: `repairs.models.remedies`), and that verdict."""
        names = [_step_between(a, b) for a, b in pairwise([S.AWAITING_SHIPMENT, *plan.states])]
        while True:
            purchase_date = submitted_date - datetime.timedelta(days=self.rng.randrange(3, 700))
            verdict = warranty.assess(purchase_date, submitted_date, self.policy).verdict
            if all(verdict_allows(name, verdict) for name in names):
                return purchase_date, verdict

    def _serial(self) -> str:
        rng = self.rng
        return f"R{rng.randrange(2200, 2300)}{rng.choice('ABCDE')}{rng.randrange(10**7):07}"

    def _order(self, plan: _Plan, claim: Claim) -> RepairOrder:
        """The order as its steps leave it: each `@transition` method run in memory with
        what a technician typed, then the dates set to the plan's."""
        order = RepairOrder(
            order_number=self._number(order_numbers.generate),
            claim=claim,
            service_center=self.center,
            created_at=plan.opened_at,
            updated_at=plan.times[-1] if plan.times else plan.opened_at,
            state_entered_at=plan.times[-1] if plan.times else plan.opened_at,
        )
        for state in plan.states:
            name = _step_between(order.status, state)
            getattr(order, name)(**_typed_for(name))
        entered = dict(zip(plan.states, plan.times, strict=True))
        order.intake_date = (
            timezone.localdate(entered[S.RECEIVED]) if S.RECEIVED in entered else None
        )
        order.returned_at = entered.get(S.DELIVERED)
        if order.quote_amount is not None:
            order.quote_amount = self.rng.randrange(5, 120) * 1000
        if _diagnosed(plan):
            order.fault_category_id = self.rng.choice(self.faults[claim.product_model])
        return order

    def _events(self, plan: _Plan, order: RepairOrder) -> list[StatusEvent]:
        claim = order.claim
        events = [
            StatusEvent(
                claim=claim,
                transition="submit",
                from_status="",
                to_status=ClaimStatus.SUBMITTED,
                created_at=plan.submitted_at,
            ),
            StatusEvent(
                claim=claim,
                transition="approve",
                from_status=ClaimStatus.SUBMITTED,
                to_status=ClaimStatus.APPROVED,
                created_at=plan.opened_at,
            ),
            StatusEvent(
                claim=claim,
                subject=StatusEvent.Subject.ORDER,
                transition="create",
                from_status="",
                to_status=S.AWAITING_SHIPMENT,
                created_at=plan.opened_at,
            ),
        ]
        status: str = S.AWAITING_SHIPMENT
        for target, at in zip(plan.states, plan.times, strict=True):
            step = _step_between(status, target)
            events.append(
                StatusEvent(
                    claim=claim,
                    subject=StatusEvent.Subject.ORDER,
                    transition=step,
                    from_status=status,
                    to_status=target,
                    by=self.by,
                    created_at=at,
                    public_note="Проверили, всё по плану." if self.rng.random() < 0.2 else "",
                    **self._fault_note(step, order),
                )
            )
            status = target
        return events

    def _fault_note(self, step: str, order: RepairOrder) -> dict:
        """The step that ended diagnostics notes the fault picked, as `run_step` does."""
        if order.fault_category_id is None or steps.FAULT not in steps.ORDER_STEPS[step].fields:
            return {}
        words = self.fault_words[order.fault_category_id]
        return {"note_code": notes.FAULT_FOUND, "note_params": {"fault": words}}

    def _lines(self, order: RepairOrder) -> list[WorkLine]:
        """The estimate's lines for a quote (they sum to it), the done lines for a finished
        repair: a part and the labour, priced in whole tenge."""
        lines = []
        stages = []
        if order.quote_amount is not None:
            stages.append((WorkLine.Stage.ESTIMATE, int(order.quote_amount)))
        if order.work_done:
            stages.append((WorkLine.Stage.DONE, int(order.quote_amount or 0) or self._price()))
        for stage, total in stages:
            labour = max(1000, total // 3000 * 1000)
            part, part_number = self.rng.choice(PARTS)
            for position, (kind, description, number, price) in enumerate(
                [
                    (WorkLine.Kind.PART, part, part_number, total - labour),
                    (WorkLine.Kind.LABOUR, "Работа мастера", "", labour),
                ]
            ):
                lines.append(
                    WorkLine(
                        repair_order=order,
                        stage=stage,
                        kind=kind,
                        description=description,
                        part_number=number,
                        quantity=1,
                        unit_price=price,
                        position=position,
                        created_at=order.updated_at,
                    )
                )
        return lines

    def _price(self) -> int:
        return self.rng.randrange(8, 90) * 1000

    def _consent(self, plan: _Plan, order: RepairOrder, history) -> list[QuoteConsent]:
        """Half the answered quotes were answered online: the consent row, and the history
        row by the customer with its automatic note."""
        answer = next(
            (e for e in history if e.transition in ("accept_quote", "decline_quote")), None
        )
        if answer is None or self.rng.random() < 0.5:
            return []
        accepted = answer.transition == "accept_quote"
        answer.by, answer.by_customer = None, True
        answer.note_code = notes.QUOTE_ACCEPTED_ONLINE if accepted else notes.QUOTE_DECLINED_ONLINE
        answer.note_params = {"amount": int(order.quote_amount or 0)}
        if not self.fast:  # the bulk path saved the row already; COPY writes it after this
            answer.save(update_fields=["by", "by_customer", "note_code", "note_params"])
        return [
            QuoteConsent(
                repair_order=order,
                decision=QuoteConsent.Decision.ACCEPTED
                if accepted
                else QuoteConsent.Decision.DECLINED,
                amount=order.quote_amount or 0,
                description=order.quote_description,
                wording=f"Согласен(на) на ремонт за {order.quote_amount} ₸.",
                language=order.claim.language,
                client_address_hash=f"{self.rng.getrandbits(256):064x}",
                status_event=answer,
                decided_at=answer.created_at,
            )
        ]

    def _rating(self, plan: _Plan, order: RepairOrder) -> list[ServiceRating]:
        """A third of the delivered orders were rated, mostly well."""
        if plan.status != S.DELIVERED or self.rng.random() >= 0.35:
            return []
        score = self.rng.choices([5, 4, 3, 2, 1], weights=[60, 22, 9, 4, 5])[0]
        return [
            ServiceRating(
                repair_order=order,
                service_center=self.center,
                score=score,
                comment=self.rng.choice(RATING_COMMENTS[score >= 4]),
                created_at=plan.times[-1] + datetime.timedelta(hours=self.rng.uniform(1, 72)),
            )
        ]

    def _act(self, plan: _Plan, order: RepairOrder) -> list[IntakeAct]:
        if S.RECEIVED not in plan.states:
            return []
        serial = order.claim.serial_number
        return [
            IntakeAct(
                repair_order=order,
                received_by=self.by,
                created_at=plan.times[plan.states.index(S.RECEIVED)],
                serial_number=serial if self.rng.random() < 0.9 else f"{serial[:-2]}00",
                completeness="Изделие, зарядная база, шнур питания",
                condition="Следы эксплуатации",
                has_receipt=True,
                has_warranty_card=True,
                is_warranty_card_stamped=True,
                final_verdict=order.claim.verdict,
            )
        ]

    def _shipments(self, plan: _Plan, order: RepairOrder) -> list[Shipment]:
        shipments = []
        for state, direction, carrier in [
            (S.IN_TRANSIT, Shipment.Direction.INBOUND, "Kazpost"),
            (S.SHIPPED, Shipment.Direction.OUTBOUND, "CDEK"),
        ]:
            if state in plan.states:
                shipments.append(
                    Shipment(
                        repair_order=order,
                        direction=direction,
                        carrier=carrier,
                        tracking_number=tracking.s10_number("RR", self.rng.randrange(10**8), "KZ"),
                        created_at=plan.times[plan.states.index(state)],
                    )
                )
        return shipments
