from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def _start_session_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The absolute session limit counts from the login (MLPS: absolute session limit).
    now = time.time()
    request.session["gz_login_at"] = now
    request.session["gz_seen_at"] = now
