"""The words the customer agrees to when answering a quote online.

The same function writes the sentence beside the buttons and the one kept with the
decision (QuoteConsent.wording), so what was recorded is what was shown. The order number
names the product: the model as typed in the claim stays out of our sentences.
"""

from django.utils.translation import gettext

from dreame_service.kit.formats import format_kzt, format_quantity

# What may end the technician's "what the price covers": our sentence ends it instead, so a
# typed «Замена платы.» does not read «…Замена платы..».
_TRAILING_STOPS = " \t\r\n.,;:!?…"


def lines_covered(lines) -> str:
    """The estimate's lines as one sentence for the wording: «Плата управления, 1 × 12 500 ₸;
    Работа, 1 × 5 000 ₸», so the consent names each thing paid for and its price."""
    return "; ".join(
        f"{line.description} {format_quantity(line.quantity)} × {format_kzt(line.unit_price)}"
        for line in lines
    )


def consent_wording(*, accept: bool, order_number: str, amount, covers: str) -> str:
    covers = covers.rstrip(_TRAILING_STOPS)
    values = {
        "order": order_number,
        "amount": format_kzt(amount),
        "covers": covers,
    }
    if accept and covers:
        return (
            gettext(
                "I agree to the paid repair under order %(order)s for %(amount)s. The price "
                "covers: %(covers)s. The repair starts after my consent; I pay the service "
                "center as agreed with it."
            )
            % values
        )
    if accept:
        return (
            gettext(
                "I agree to the paid repair under order %(order)s for %(amount)s. The repair "
                "starts after my consent; I pay the service center as agreed with it."
            )
            % values
        )
    return (
        gettext(
            "I decline the paid repair under order %(order)s for %(amount)s. The product is "
            "sent back to me unrepaired."
        )
        % values
    )
