"""The customer's pages: the public repair status page and «Мой ремонт» (the personal link)."""
