import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lvzhi.settings")
application = get_wsgi_application()
# The objects loaded so far (Django, the apps, their modules) live as long as the process: moved out of the
# collector's generations, they are no longer walked by every full collection (about a millisecond a page).
gc.freeze()
