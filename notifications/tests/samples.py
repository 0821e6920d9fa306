"""A full context for every e-mail template, shaped like claims/repairs emails snapshot it."""

CLAIM = {
    "claim_number": "CL-7KQ2M9XW",
    "full_name": "Айгерим <b>Сатпаева</b>",
    "product_model": "DREAME L20 Ultra",
    "verdict": "free_repair",
    "purchase_date": "2026-03-01",
    "submitted_date": "2026-11-20",
    "response_due_date": "2026-11-30",
    "site_url": "http://127.0.0.1:8000",
}
# What every e-mail to the customer adds: their personal link (never in staff e-mails).
CUSTOMER = {**CLAIM, "my_url": "http://127.0.0.1:8000/my/Yn5AMAQdJBqe3Gngeq2Klg.UBQ4haCxaX/"}
CENTER = {
    "name": "Сервис-центр «Достык»",
    "city": "Алматы",
    "postal_address": "050000, г. Алматы, пр. Достык, 100",
    "phone": "+77272000000",
    "email": "center@service.kz",
    "whatsapp": "+77012000000",
    "working_hours": "Пн–Пт 9:00–18:00",
}
ORDER = {
    **CUSTOMER,
    "order_number": "7KQ2M-9XW4D",
    "order_status": "received",
    "resolution": "",
    "intake_date": "2026-11-25",
    "quote_amount": "45000",
    "service_center_name": CENTER["name"],
    "service_center_phone": CENTER["phone"],
    "status_url": "http://127.0.0.1:8000/partners/repair-status/"
    "?order_number=7KQ2M9XW4D&intake_date=2026-11-25",
    "public_note": "Заменили аккумулятор. <script>alert(1)</script>",
}
# A quote's lines as repairs.emails snapshots them (repairs.models.line_snapshot).
LINES = {
    "lines": [
        {
            "kind": "part",
            "description": "Плата управления <script>alert(1)</script>",
            "part_number": "DR-PCB-01",
            "quantity": "2.00",
            "unit_price": "20000",
            "total": "40000",
        },
        {
            "kind": "labour",
            "description": "Работа",
            "part_number": "",
            "quantity": "1.00",
            "unit_price": "5000",
            "total": "5000",
        },
    ],
    "lines_total": "45000",
}
SUPPLEMENT = {"supplement_url": "http://127.0.0.1:8000/claims/CL-7KQ2M9XW/supplement/?t=abc"}

CONTEXTS = {
    "claim_received": {**CUSTOMER, "public_note": ""},
    "claim_info_requested": {
        **CUSTOMER,
        **SUPPLEMENT,
        "public_note": "Пришлите фото чека. <script>alert(1)</script>",
    },
    "claim_info_reminder": {**CUSTOMER, **SUPPLEMENT, "public_note": "Пришлите фото чека."},
    "claim_approved": {
        **CUSTOMER,
        "public_note": "",
        "service_center": CENTER,
        "order_number": "7KQ2M-9XW4D",
    },
    "claim_rejected": {**CUSTOMER, "public_note": "Товар куплен не в Казахстане."},
    "claim_withdrawn": {**CUSTOMER, "public_note": ""},
    "my_link": {**CUSTOMER, "public_note": ""},
    # No e-mail from the customer yet: the subject is ours (translated), not theirs.
    "support_answer": {
        **CUSTOMER,
        "answer_text": "Добрый день! Курьер заберёт пылесос завтра. <script>alert(1)</script>",
        "thread_subject": "",
    },
    "staff_new_claim": {
        **CLAIM,
        "email": "customer@example.kz",
        "phone": "+77012345678",
        "city": "Алматы",
        "serial_number": "SN00000001",
        "seller": "Technodom",
        "fault_description": "Не заряжается <script>alert('x')</script>",
        "admin_url": "http://127.0.0.1:8000/admin/claims/claim/1/change/",
    },
    "staff_claim_supplemented": {
        **CLAIM,
        "supplement_text": "Чек во вложении <script>alert('x')</script>",
        "supplement_files": [
            {
                "kind": "receipt",
                "type": "PDF",
                "url": "http://127.0.0.1:8000/claims/attachments/1/",
            },
            {"kind": "file", "type": "JPG", "url": "http://127.0.0.1:8000/claims/attachments/2/"},
        ],
        "admin_url": "http://127.0.0.1:8000/admin/claims/claim/1/change/",
    },
    "center_new_order": {
        **CLAIM,
        "public_note": "",
        "order_number": "7KQ2M-9XW4D",
        "phone": "+77012345678",
        "city": "Алматы",
        "serial_number": "SN00000001",
        "fault_description": "Не заряжается <script>alert('x')</script>",
        "service_center": CENTER,
        "workbench_url": "http://127.0.0.1:8000/service/orders/1/",
    },
    "product_received": {**ORDER, "public_note": ""},
    "quote_sent": {**ORDER, **LINES, "order_status": "awaiting_approval"},
    "quote_reminder": {**ORDER, **LINES, "order_status": "awaiting_approval"},
    "shipment_reminder": {**ORDER, "intake_date": "", "service_center": CENTER},
    "order_reassigned": {**ORDER, "intake_date": "", "service_center": CENTER},
    "repair_finished": {
        **ORDER,
        "resolution": "paid_repair",
        "work_done": "Заменили плату управления.",
        "replacement_serial": "",
    },
    "order_refunded": {**ORDER, "resolution": "refund"},
    "order_cancelled": {**ORDER, "public_note": "Клиент отказался от ремонта."},
    "shipped_back": {
        **ORDER,
        "carrier": "Kazpost",
        "tracking_number": "RR123456785KZ",
        "warranty_end_date": "2027-03-27",
    },
    "delivered": {**ORDER, "warranty_end_date": "2027-03-29"},
    "center_quote_decided": {
        **CLAIM,
        "order_number": "7KQ2M-9XW4D",
        "service_center_name": CENTER["name"],
        "accepted": True,
        "quote_display": "45 000 ₸",
        "wording": "Я согласен(на) на платный ремонт <script>alert(1)</script>",
        "decided_at": "25.11.2026 14:05",
        "workbench_url": "http://127.0.0.1:8000/service/orders/1/",
        **LINES,
    },
}

# Issue 17: a stranger files a claim to someone else's address, and types our "refund" into
# the name and a free-text model, hoping our e-mails and pages will say it for them.
HOSTILE_NAME = "ВОЗВРАТ-2000₸-НА-dreame-refund.example Иван"
HOSTILE_MODEL = "Возврат средств: войдите на https://dreame-refund.example/kz"
HOSTILE_FIELDS = {
    "full_name": HOSTILE_NAME,
    "product_model": HOSTILE_MODEL,
    "city": "dreame-refund.example",
    "serial_number": "dreame-refund.example",
    "seller": "dreame-refund.example",
    "fault_description": "Деньги вернут на dreame-refund.example",
    "supplement_text": "Деньги вернут на dreame-refund.example",
    "wording": "Возврат на dreame-refund.example",
}
