import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
application = get_wsgi_application()

# A page makes tens of thousands of short-lived objects; with the default threshold (700)
# the collector ran a young-generation pass a few times a request, 3 ms of a 30 ms page,
# scanning the code and settings loaded above each time. Freeze those and collect less
# often (bench/RESULTS.md, load section).
gc.freeze()
gc.set_threshold(20_000, 20, 20)
