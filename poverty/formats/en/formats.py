# The English interface keeps the Indonesian date and number formats (dd/mm/yyyy, 1.250.000).
from poverty.formats.id.formats import *  # noqa: F403
