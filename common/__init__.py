"""The shared vocabulary every floor uses: column names, errors, days, settings files,
progress reporting and where things are. Imports nothing of the product."""
