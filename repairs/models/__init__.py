"""The service side's data, split by subdomain: centers, orders, the intake act."""

from repairs.models.centers import ServiceCenter, Technician
from repairs.models.customer import QuoteConsent, ServiceRating
from repairs.models.intake import AccessoryChecklist, IntakeAct, IntakePhoto
from repairs.models.orders import (
    FINAL_STATES,
    MAX_QUOTE_KZT,
    NON_FINAL_STATES,
    REASSIGN_PERMISSION,
    RECEIVABLE_STATES,
    WORK_PERMISSION,
    OrderStatus,
    RepairOrder,
    Resolution,
    Shipment,
)
from repairs.models.rollups import (
    ClaimMonth,
    FaultMonth,
    OrderMonth,
    ReportChange,
    ReportMonth,
    ReturnMonth,
)
from repairs.models.statements import (
    APPROVE_STATEMENT_PERMISSION,
    Statement,
    StatementEvent,
    StatementLine,
)
from repairs.models.work import (
    FaultCategory,
    LineData,
    LineTotals,
    WorkLine,
    line_snapshot,
    line_totals,
)

__all__ = [
    "APPROVE_STATEMENT_PERMISSION",
    "FINAL_STATES",
    "MAX_QUOTE_KZT",
    "NON_FINAL_STATES",
    "REASSIGN_PERMISSION",
    "RECEIVABLE_STATES",
    "WORK_PERMISSION",
    "AccessoryChecklist",
    "ClaimMonth",
    "FaultCategory",
    "FaultMonth",
    "IntakeAct",
    "IntakePhoto",
    "LineData",
    "LineTotals",
    "OrderMonth",
    "OrderStatus",
    "QuoteConsent",
    "RepairOrder",
    "ReportChange",
    "ReportMonth",
    "Resolution",
    "ReturnMonth",
    "ServiceCenter",
    "ServiceRating",
    "Shipment",
    "Statement",
    "StatementEvent",
    "StatementLine",
    "Technician",
    "WorkLine",
    "line_snapshot",
    "line_totals",
]
