"""What every date input of the portal accepts."""

from datetime import date

# Outside these, day arithmetic in the selectors overflows or a daily series grows absurdly long.
EARLIEST_AS_OF = date(2000, 1, 1)
LATEST_AS_OF = date(2099, 12, 31)
