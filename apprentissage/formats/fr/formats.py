"""French formats of the portal, over Django's (django/conf/locale/fr/formats.py): one time
format, "9 h 00" (French typography: the hour without a leading zero, "h", non-breaking
spaces), used by every date-and-time format. Templates write `|time` or
`|date:"SHORT_DATETIME_FORMAT"`, code `date_format(value, "SHORT_DATETIME_FORMAT")`: never
"H:i" by hand. See FORMAT_MODULE_PATH in apprentissage/settings.py."""

NBSP = "\u00a0"

TIME_FORMAT = rf"G{NBSP}\h{NBSP}i"  # 9 h 00, 14 h 30
DATETIME_FORMAT = rf"j F Y à {TIME_FORMAT}"  # 1 décembre 2026 à 9 h 00
SHORT_DATETIME_FORMAT = rf"d/m/Y à {TIME_FORMAT}"  # 01/12/2026 à 9 h 00
