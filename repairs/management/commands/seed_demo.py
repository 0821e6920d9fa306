"""Demo data for `make run`: centers, staff logins, and claims and orders in every state.

Everything is made through the service functions, exactly as the portal makes it, so each
claim and order carries its StatusEvents and queued e-mails. Running it again changes
nothing: the demo claims are recognised by their serial-number prefix.
"""

import datetime
from decimal import Decimal
from email.message import EmailMessage
from email.utils import make_msgid

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from claims import links
from claims import services as claim_services
from claims.models import Channel, Claim, ClaimStatus, ProductModel
from claims.steps import run_claim_step
from dreame_service.kit.fsm import Actor
from notifications import mailbox
from repairs import services as repair_services
from repairs import tracking
from repairs.models import LineData, OrderStatus, RepairOrder, ServiceCenter, Technician
from repairs.reference_data import DEMO_CENTERS, center_fields
from repairs.steps import run_step, step_between

DEMO_PASSWORD = "demo-pass-2026"
DEMO_SERIAL_PREFIX = "DEMO-"
# Every door (DESIGN §8): some demo claims were typed in by support from a call or an
# e-mail (by scenario number); the rest came through the site's form.
DOORS = {1: Channel.PHONE, 4: Channel.EMAIL, 9: Channel.PHONE}

# The demo's centers, their words in ru, kk and en (repairs.reference_data).
CENTERS = {key: center_fields(data) for key, data in DEMO_CENTERS.items()}

# (username, first name, last name, center key); all in the `technicians` group.
TECHNICIANS = [
    ("almaty-tech", "Даурен", "Касымов", "almaty"),
    ("astana-tech", "Игорь", "Ли", "astana"),
    ("shymkent-tech", "Бахытжан", "Сапаров", "shymkent"),
]

# Realistic customers; e-mails on example.com so a misconfigured SMTP never reaches anyone.
CUSTOMERS = [
    ("Айгерим Серикқызы Нурланова", "kk", "+77017234511", "Алматы", "Алматы",
     "мкр. Самал-2, д. 58, кв. 12", "050059"),
    ("Дмитрий Сергеевич Ковалёв", "ru", "+77772345612", "Алматы", "Алматы",
     "пр. Абая, д. 150, кв. 34", "050046"),
    ("Наталья Павловна Лим", "ru", "+77053456713", "Алматы", "Алматы",
     "ул. Розыбакиева, д. 247, кв. 101", "050060"),
    ("Максим Игоревич Соколов", "ru", "+77474567814", "Алматинская область", "Қонаев",
     "мкр. 4, д. 12, кв. 8", "040800"),
    ("Асель Кайратовна Омарова", "kk", "+77015678915", "Актюбинская область", "Актобе",
     "пр. Абилкайыр хана, д. 52, кв. 19", "030000"),
    ("Ерлан Маратович Жумабаев", "kk", "+77026789016", "Астана", "Астана",
     "пр. Кабанбай батыра, д. 11, кв. 87", "010000"),
    ("Ольга Викторовна Ким", "ru", "+77777890117", "Астана", "Астана",
     "ул. Сыганак, д. 25, кв. 5", "010017"),
    ("Мадина Ерлановна Сейткали", "kk", "+77078901218", "Карагандинская область", "Караганда",
     "ул. Ерубаева, д. 35, кв. 7", "100000"),
    ("Сергей Александрович Петров", "ru", "+77759012319", "Павлодарская область", "Павлодар",
     "ул. Торайгырова, д. 64, кв. 22", "140000"),
    ("Елена Владимировна Морозова", "ru", "+77080123420", "Северо-Казахстанская область",
     "Петропавловск", "ул. Конституции Казахстана, д. 28, кв. 3", "150000"),
    ("Нурсултан Бауыржанұлы Абенов", "kk", "+77471234521", "Шымкент", "Шымкент",
     "ул. Тауке хана, д. 44, кв. 9", "160000"),
    ("Бекзат Серикович Ахметов", "ru", "+77012345622", "Шымкент", "Шымкент",
     "мкр. Нурсат, д. 120, кв. 3", "160023"),
    ("Жанар Болатовна Исмаилова", "kk", "+77763456723", "Туркестанская область", "Туркестан",
     "ул. Есим хана, д. 12", "161200"),
    ("Дана Муратовна Есенова", "kk", "+77054567824", "Жамбылская область", "Тараз",
     "ул. Толе би, д. 91, кв. 40", "080000"),
    ("Руслан Ержанович Калиев", "ru", "+77785678925", "Кызылординская область", "Кызылорда",
     "ул. Айтеке би, д. 29, кв. 6", "120000"),
    ("Андрей Николаевич Шевченко", "ru", "+77716789026", "Восточно-Казахстанская область",
     "Усть-Каменогорск", "ул. Казахстан, д. 70, кв. 15", "070004"),
    ("Гульнара Абаевна Тулегенова", "kk", "+77027890127", "Атырауская область", "Атырау",
     "пр. Азаттык, д. 33, кв. 2", "060011"),
    ("Арман Кайратұлы Сагинтаев", "kk", "+77478901228", "Мангистауская область", "Актау",
     "мкр. 14, д. 8, кв. 21", "130000"),
    ("Тимур Ринатович Галиев", "ru", "+77019012329", "Костанайская область", "Костанай",
     "ул. Байтурсынова, д. 67, кв. 11", "110000"),
    ("Алия Нурлановна Бекова", "kk", "+77770123430", "Астана", "Астана",
     "ул. Достык, д. 5, кв. 45", "010000"),
]  # fmt: skip

SELLERS = ["Technodom", "Sulpak", "Mechta.kz", "Kaspi Магазин", "Alser", "DREAME Store Mega"]

FAULTS = [
    "Робот не возвращается на базу и не заряжается.",
    "Не строит карту, лидар не вращается.",
    "Станция не набирает чистую воду, ошибка на экране.",
    "Пылесос отключается через минуту работы.",
    "Сильный шум при работе, основная щётка не крутится.",
    "Фен перестал нагревать воздух.",
    "Не включается после зарядки.",
]

S = OrderStatus
# What each claim goes through: (center, the states its order passes after approval — each
# move is the step between two states, `repairs.steps.step_between` — or a claim-only
# outcome, days since purchase). Together they reach every claim state and every order
# state, and every center gets several states, "received" among them.
SCENARIOS: list[tuple[str | None, list[str], int]] = [
    # claims support has not approved (yet)
    (None, ["submitted"], 5),
    (None, ["submitted"], 200),
    (None, ["needs_info"], 22),
    (None, ["rejected"], 1500),
    (None, ["withdrawn"], 40),
    # Almaty
    ("almaty", [S.IN_TRANSIT, S.RECEIVED], 12),
    ("almaty", [S.RECEIVED, S.DIAGNOSTICS], 60),
    ("almaty", [S.RECEIVED, S.DIAGNOSTICS, S.IN_REPAIR], 150),
    ("almaty", [S.RECEIVED, S.DIAGNOSTICS, S.IN_REPAIR, S.AWAITING_PARTS], 250),
    (
        "almaty",
        [S.RECEIVED, S.DIAGNOSTICS, S.READY_FOR_RETURN, S.SHIPPED, S.DELIVERED],
        25,
    ),
    # Astana
    ("astana", [], 8),
    ("astana", [S.RECEIVED], 100),
    ("astana", [S.RECEIVED, S.DIAGNOSTICS, S.AWAITING_APPROVAL], 500),
    ("astana", [S.RECEIVED, S.DIAGNOSTICS, S.AWAITING_APPROVAL, S.READY_FOR_RETURN], 420),
    ("astana", [S.RECEIVED, S.DIAGNOSTICS, S.REFUNDED], 10),
    # Shymkent
    ("shymkent", [S.IN_TRANSIT], 35),
    ("shymkent", [S.IN_TRANSIT, S.RECEIVED], 300),
    ("shymkent", [S.RECEIVED, S.DIAGNOSTICS, S.IN_REPAIR, S.READY_FOR_RETURN, S.SHIPPED], 180),
    (
        "shymkent",
        [S.RECEIVED, S.DIAGNOSTICS, S.IN_REPAIR, S.AWAITING_PARTS, S.IN_REPAIR],
        90,
    ),
    ("shymkent", [S.CANCELLED], 70),
]

# What the technicians write at each move (from, to), as the step's note.
NOTES: dict[tuple[str, str], str] = {
    (S.RECEIVED, S.DIAGNOSTICS): "Проводим диагностику.",
    (S.DIAGNOSTICS, S.IN_REPAIR): "Гарантийный случай подтверждён, начали ремонт.",
    (S.DIAGNOSTICS, S.AWAITING_APPROVAL): "Замена платы управления.",
    (S.AWAITING_APPROVAL, S.READY_FOR_RETURN): "Клиент отказался от платного ремонта.",
    (S.IN_REPAIR, S.AWAITING_PARTS): "Заказан датчик лидара, ожидаем 7–10 дней.",
    (S.AWAITING_PARTS, S.IN_REPAIR): "Запчасть получена, продолжаем ремонт.",
    (S.IN_REPAIR, S.READY_FOR_RETURN): "Заменён модуль зарядки.",
    (S.DIAGNOSTICS, S.READY_FOR_RETURN): "Неремонтопригоден, отправляем новое устройство.",
    (S.DIAGNOSTICS, S.REFUNDED): "Заводской брак в первые 15 дней: деньги возвращены.",
}


# The demo's quote: a part and the labour, 38 500 ₸ in all.
DEMO_QUOTE_LINES = (
    LineData(
        kind="part",
        description="Датчик лидара",
        part_number="LDS-R2216",
        quantity=Decimal(1),
        unit_price=Decimal(32000),
    ),
    LineData(
        kind="labour", description="Замена датчика", quantity=Decimal(1), unit_price=Decimal(6500)
    ),
)


def _step_values(order: RepairOrder, target: str, n: int) -> dict:
    """The values scenario `n` gives the fields of the step from the order's state to
    `target` (a step takes the ones its row names)."""
    carrier, tracking_number = "Казпочта", tracking.s10_number("RR", 48211000 + n, "KZ")
    if target == S.SHIPPED:
        carrier, tracking_number = "CDEK", f"10{84420000 + n}"
    note = NOTES.get((order.status, target), "")
    return {
        "carrier": carrier,
        "tracking_number": tracking_number,
        "act_data": _act_data(order, n),
        "lines": DEMO_QUOTE_LINES,
        "description": note,
        "part": "Датчик лидара",
        "work_done": note,
        "new_serial": f"{DEMO_SERIAL_PREFIX}R{n + 1:04d}",
        "note": note,
        "reason": "Клиент решил не отправлять товар.",
    }


def _act_data(order: RepairOrder, n: int) -> dict:
    return {
        "serial_number": order.claim.serial_number,
        "completeness": "Устройство, зарядная база, блок питания, чек, гарантийный талон",
        "condition": "Следы эксплуатации, механических повреждений нет",
        "has_receipt": True,
        "has_warranty_card": n % 4 != 0,
        "final_verdict": order.claim.verdict,
        "is_user_fault": False,
        "notes": "",
    }


class Command(BaseCommand):
    help = (
        "Load demo data: service centers in Almaty, Astana and Shymkent, staff logins, and "
        "claims and repair orders in every state, made through the services. Idempotent."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            centers = {key: self._center(data) for key, data in CENTERS.items()}
            users = self._users(centers)
            if Claim.objects.filter(serial_number__startswith=DEMO_SERIAL_PREFIX).exists():
                self.stdout.write("Demo claims are already there; nothing to add.")
            else:
                self._claims(centers=centers, users=users)
                self._mailbox()
        self._summary()

    def _center(self, data: dict) -> ServiceCenter:
        center, _created = ServiceCenter.objects.get_or_create(
            name_ru=data["name_ru"], defaults=data
        )
        return center

    def _user(self, username: str, **fields) -> User:
        user, created = User.objects.get_or_create(username=username, defaults=fields)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    def _users(self, centers: dict) -> dict:
        users = {
            "admin": self._user(
                "admin", email="admin@dreame-service.kz", is_staff=True, is_superuser=True
            ),
            "support": self._user(
                "support",
                email="support@dreame-service.kz",
                first_name="Камила",
                last_name="Абдрахманова",
                is_staff=True,
            ),
        }
        users["support"].groups.add(Group.objects.get(name="support"))
        technicians = Group.objects.get(name="technicians")
        for username, first_name, last_name, center_key in TECHNICIANS:
            user = self._user(
                username,
                email=f"{username}@dreame-service.kz",
                first_name=first_name,
                last_name=last_name,
            )
            user.groups.add(technicians)
            Technician.objects.get_or_create(
                user=user, defaults={"service_center": centers[center_key]}
            )
            users[username] = user
        return users

    def _claims(self, *, centers: dict, users: dict) -> None:
        support = users["support"]
        technicians = {center_key: users[username] for username, *_n, center_key in TECHNICIANS}
        products = list(ProductModel.objects.filter(is_active=True).order_by("name"))
        today = timezone.localdate()
        for n, (center_key, states, days_ago) in enumerate(SCENARIOS):
            name, language, phone, region, city, address, postal_code = CUSTOMERS[n]
            product = products[n % len(products)]
            claim = claim_services.submit_claim(
                data={
                    "full_name": name,
                    "email": f"customer{n + 1:02d}@example.com",
                    "phone": phone,
                    "whatsapp": phone if n % 3 else "",
                    "region": region,
                    "city": city,
                    "address": address,
                    "postal_code": postal_code,
                    "product": product,
                    "product_model": product.name,
                    "serial_number": f"{DEMO_SERIAL_PREFIX}{n + 1:04d}",
                    "purchase_date": today - datetime.timedelta(days=days_ago),
                    "seller": SELLERS[n % len(SELLERS)],
                    "fault_description": FAULTS[n % len(FAULTS)],
                },
                language=language,
                channel=DOORS.get(n, Channel.WEB),
                registered_by=support if n in DOORS else None,
            )
            if center_key is None:
                self._triage(claim=claim, outcome=states[0], support=support)
                continue
            order = repair_services.approve_claim_and_open_order(
                claim=claim, service_center=centers[center_key], by=support
            )
            for target in states:
                order, _event = run_step(
                    order,
                    step_between(order.status, target),
                    actor=Actor.TECHNICIAN,
                    by=technicians[center_key],
                    values=_step_values(order, target, n),
                )

    def _mailbox(self) -> None:
        """Two messages in support's mailbox: a customer's reply, filed to their claim's
        history (unanswered), and a stranger's new message, a draft claim for support."""
        claim = Claim.objects.filter(serial_number__startswith=DEMO_SERIAL_PREFIX).first()
        if claim is None:
            return
        messages = [
            (
                claim.email,
                claim.full_name,
                f"Re: Заявка {claim.number}",
                "Добрый день! Досылаю фото серийного номера, он на дне корпуса. "
                "Когда можно отправлять пылесос?",
            ),
            (
                "bakhyt.demo@example.com",
                "Бахыт Оспанов",
                "Не заряжается робот-пылесос",
                "Здравствуйте. Робот DREAME L10s Ultra, серийный номер R2228ZZ0012345, "
                "перестал заряжаться на базе. Куплен в Технодоме 03.10.2026. "
                "Мой телефон 8 (701) 555-44-33.",
            ),
        ]
        for sender, name, subject, text in messages:
            message = EmailMessage()
            message["From"] = f"{name} <{sender}>"
            message["To"] = "dreamesupport@dreame.tech"
            message["Subject"] = subject
            message["Message-ID"] = make_msgid(domain="example.com")
            message.set_content(text)
            inbound = mailbox.store_message(raw=message.as_bytes())
            if inbound is not None:
                mailbox.hand_on(pk=inbound.pk)

    def _triage(self, *, claim: Claim, outcome: str, support: User) -> None:
        if outcome == "needs_info":
            run_claim_step(
                claim,
                "request_info",
                by=support,
                values={"message": "Пожалуйста, пришлите фото чека и серийного номера на корпусе."},
            )
        elif outcome == "rejected":
            reason = (
                "Товар куплен за пределами Казахстана: "
                "гарантия DREAME в РК на него не распространяется."
            )
            run_claim_step(claim, "reject", by=support, values={"reason": reason})
        elif outcome == "withdrawn":
            run_claim_step(claim, "withdraw")

    def _summary(self) -> None:
        demo_claims = Claim.objects.filter(serial_number__startswith=DEMO_SERIAL_PREFIX)
        orders = RepairOrder.objects.filter(claim__in=demo_claims)
        claim_states = sorted(set(demo_claims.values_list("status", flat=True)))
        order_states = sorted(set(orders.values_list("status", flat=True)))
        self.stdout.write(
            f"Claim states: {len(claim_states)} of {len(ClaimStatus.values)}; "
            f"order states: {len(order_states)} of {len(OrderStatus.values)}."
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        self.stdout.write("  admin          superuser, /admin/")
        self.stdout.write("  support        support staff, /admin/")
        for username, _first, _last, center_key in TECHNICIANS:
            self.stdout.write(
                f"  {username:<14} technician, {CENTERS[center_key]['city']} "
                "/service/ (the workbench)"
            )
        # A customer's view of three moments: a price to answer, a parcel to send, a return.
        self.stdout.write("«Мой ремонт» (the customer's personal link):")
        for status in (
            OrderStatus.AWAITING_APPROVAL,
            OrderStatus.AWAITING_SHIPMENT,
            OrderStatus.DELIVERED,
        ):
            order = orders.filter(status=status).select_related("claim").first()
            if order is not None:
                self.stdout.write(f"  {status:<18} {links.my_path(order.claim)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {ServiceCenter.objects.count()} service centers, "
                f"{demo_claims.count()} claims, {orders.count()} repair orders."
            )
        )
