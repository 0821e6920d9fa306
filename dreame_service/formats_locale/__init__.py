"""Date formats for the three languages (FORMAT_MODULE_PATH): ДД.ММ.ГГГГ everywhere.

Django's ru writes dates as «5 марта 2026 г.», its kk has no formats at all (the US
"N j, Y" default) and its en is US-style; support and the customers' papers use
ДД.ММ.ГГГГ (DESIGN §6). Only what differs from Django's own module is set here.
"""
