"""The service centers' workbench under /service/: technicians' pages (DESIGN §4)."""
