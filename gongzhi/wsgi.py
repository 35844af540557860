import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
django.setup(set_prefix=False)

from gongzhi.core.handlers import GongzhiWSGIHandler  # noqa: E402

# As get_wsgi_application(), with bearer-token API calls on a shorter middleware chain.
application = GongzhiWSGIHandler()
