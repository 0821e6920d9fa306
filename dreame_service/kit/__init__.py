"""The project's helper kit: what every app may use and that knows no app (state-machine
steps, rate limits, formats, the upload sandbox, middleware …). import-linter forbids the
whole package from importing `claims`, `repairs` or `notifications`."""
