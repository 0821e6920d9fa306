"""«Мой ремонт»: the customer's own page at their personal link, from claim to return."""
