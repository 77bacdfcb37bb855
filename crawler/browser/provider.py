"""ChromiumProvider: scrapy-playwright's browser provider, launching Chromium on a throw-away profile."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from scrapy_playwright.provider import PlaywrightBrowserProvider

from .chromium import CLOSE_TIMEOUT, PROFILE_PREFERENCES

logger = logging.getLogger(__name__)


class ChromiumProvider(PlaywrightBrowserProvider):
    """Launches Chromium on a fresh throw-away profile whose preferences allow third-party cookies.

    Chromium blocks third-party cookies in the contexts Playwright creates
    (Set-Cookie is refused with reason "UserPreferences"), which would hide the
    cookies a scan exists to find. The profile's cookie_controls_mode = 0 lifts
    that, and the per-site contexts opened on this browser inherit it.
    """

    def __init__(self, config: Any) -> None:
        super().__init__(config)
        self._profiles: list[str] = []
        self._default_contexts: list[Any] = []

    async def launch_browser(self) -> Any:
        if self.config.cdp_url or self.config.connect_url:
            return await super().launch_browser()
        if self.browser_type is None:
            raise RuntimeError("start() must be awaited before launch_browser()")
        for old in self._profiles:  # a previous browser (crashed, restarted) is gone
            shutil.rmtree(old, ignore_errors=True)
        profile = tempfile.mkdtemp(prefix="kzprivacy-chromium-")
        (Path(profile) / "Default").mkdir()
        (Path(profile) / "Default" / "Preferences").write_text(PROFILE_PREFERENCES, encoding="utf-8")
        self._profiles = [profile]
        logger.info("Launching Chromium %s", self.config.launch_options.get("executable_path"))
        default = await self.browser_type.launch_persistent_context(profile, **self.config.launch_options)
        for page in default.pages:  # the profile's own window; sites get contexts of their own
            await page.close()
        self._default_contexts.append(default)
        return default.browser

    async def close(self) -> None:
        for default in self._default_contexts:
            with contextlib.suppress(Exception):  # already gone with its browser
                await asyncio.wait_for(default.close(), CLOSE_TIMEOUT)
        self._default_contexts.clear()
        await super().close()
        for profile in self._profiles:
            shutil.rmtree(profile, ignore_errors=True)
