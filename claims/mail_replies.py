"""A customer's e-mail to support lands in their claim's history (DESIGN §8).

Each filed message is a history row by the customer with `transition=EMAIL_REPLY`, its
text as the internal note and, in `note_params`, the message's `message_id` and
`references` (what support's answer quotes in In-Reply-To/References, so the customer's
mail client keeps one conversation).
"""

EMAIL_REPLY = "email_reply"
