#!/usr/bin/env bash
# Refresh the translation catalogues from the source strings (Simplified Chinese), fill the
# Traditional Chinese catalogue by OpenCC conversion where it is empty, and compile.
# English entries are translated by hand in gongzhi/locale/en/LC_MESSAGES/django.po.
set -euo pipefail
cd "$(dirname "$0")/../gongzhi"
export DJANGO_SETTINGS_MODULE=gongzhi.settings PYTHONPATH="$(cd .. && pwd)"
../.venv/bin/django-admin makemessages -l zh_Hant -l en --no-obsolete --no-location >/dev/null
../.venv/bin/python ../scripts/fill_zh_hant.py locale/zh_Hant/LC_MESSAGES/django.po
../.venv/bin/python ../scripts/fill_po.py locale/en/LC_MESSAGES/django.po locale/en.json
../.venv/bin/django-admin compilemessages >/dev/null
