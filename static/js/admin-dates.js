/* The admin calendar's dates as the portal writes them, DD.MM.YYYY, in every language.
   Django's calendar.js names the month in the nominative («Today (Декабрь 7, 2026)»), which
   no translation of "%(month)s %(day)s, %(year)s" can decline. Loaded deferred from
   templates/admin/base_site.html: after calendar.js, before DateTimeShortcuts' init (load). */
"use strict";
{
    const twoDigits = (n) => String(n).padStart(2, "0");
    if (window.CalendarNamespace) {
        window.CalendarNamespace.formatDate = function (day, month, year) {
            return `${twoDigits(day)}.${twoDigits(month)}.${year}`;
        };
    }
}
