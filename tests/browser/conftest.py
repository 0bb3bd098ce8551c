"""The browser fixtures of tests/support/browser.py for every browser test."""

from tests.support.browser import browser, live_server, page  # noqa: F401
