# Simplified Chinese writes 12,345 (CLDR zh-Hans): Django ships no thousands separator.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
