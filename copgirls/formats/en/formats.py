# English as the UN and ITU write it: day, month, year ("23 April 2027"), 24-hour times.
# Django's English ("April 23, 2027", "04/23/2027", "2 p.m.") reads month-first: a reader in
# Nairobi or Geneva takes 03/04/2027 for 3 April. Input formats follow the same order.
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2027-04-23'
    "%d/%m/%Y",  # '23/04/2027'
    "%d %b %Y",  # '23 Apr 2027'
    "%d %B %Y",  # '23 April 2027'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
