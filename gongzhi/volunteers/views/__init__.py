"""Pages: phone-first self-service for volunteers, organiser pages, the public verification page."""
