# Arabic: Django's separators (thousands ".", decimals ","), grouped by three digits.
NUMBER_GROUPING = 3
