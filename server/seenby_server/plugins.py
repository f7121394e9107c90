"""Loading plugins and calling them with isolation.

Built-in plugins are found exactly like third-party ones: through the ``seenby``
entry-point group. A plugin that fails to load, or whose hook raises, is
recorded in :attr:`PluginHost.failures` (shown by ``seenby plugins`` and
``seenby status``) and the others carry on.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
import traceback
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, wait
from datetime import UTC, datetime
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

import msgspec
import pluggy

from seenby import Platform, TableSpec, hookspecs


class PluginFailure(msgspec.Struct, kw_only=True):
    plugin: str
    hook: str
    error: str
    at: datetime
    count: int = 1


class PluginInfo(msgspec.Struct, kw_only=True):
    name: str
    module: str
    version: str | None
    hooks: list[str]
    builtin: bool


class PluginRecipe(msgspec.Struct, frozen=True):
    """How a plugin set was loaded, so another process can load the same one."""

    entry_points: bool
    modules: list[str]


class PluginHost:
    """The pluggy manager plus what the server derives from the plugins at start."""

    def __init__(
        self,
        manager: pluggy.PluginManager,
        versions: dict[str, str] | None = None,
        recipe: PluginRecipe | None = None,
    ) -> None:
        self.manager = manager
        self.recipe = recipe
        """How to load these plugins again; None when some were handed over as objects."""
        self._versions = versions or {}
        self._failures: dict[tuple[str, str], PluginFailure] = {}
        self._failure_log: list[tuple[str, str, str]] | None = None
        self._lock = threading.Lock()
        self.platforms: list[Platform] = []
        for plugin_name, result in self.call_each("seenby_platforms"):
            for platform in result or []:
                if isinstance(platform, Platform):
                    self.platforms.append(platform)
                else:
                    self.record_failure(
                        plugin_name, "seenby_platforms", f"returned {type(platform).__name__}"
                    )
        self._hosts: dict[str, str] = {}
        self._wildcards: list[tuple[str, str]] = []
        self._any_host: list[tuple[re.Pattern[str], str]] = []
        for platform in self.platforms:
            for host in platform.hosts:
                if host.startswith("*."):
                    self._wildcards.append((host[1:].lower(), platform.name))
                else:
                    self._hosts.setdefault(host.lower(), platform.name)
            if platform.any_host:
                patterns = [r.url_pattern for r in platform.api]
                patterns += [r.url_pattern for r in platform.actions]
                self._any_host += [(re.compile(p), platform.name) for p in patterns]

    # -- calling hooks -------------------------------------------------------------

    def call_each(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call every implementation of ``hook`` separately; a raising one is recorded, skipped."""
        results: list[tuple[str, Any]] = []
        for impl in getattr(self.manager.hook, hook).get_hookimpls():
            try:
                args = [kwargs[name] for name in impl.argnames]
                results.append((impl.plugin_name, impl.function(*args)))
            except Exception as exc:
                self.record_failure(impl.plugin_name, hook, describe(exc))
        return results

    def record_failure(self, plugin: str, hook: str, error: str) -> None:
        with self._lock:
            if self._failure_log is not None:
                self._failure_log.append((plugin, hook, error))
            key = (plugin, hook)
            previous = self._failures.get(key)
            count = previous.count + 1 if previous else 1
            now = datetime.now(UTC)
            self._failures[key] = PluginFailure(
                plugin=plugin, hook=hook, error=error, at=now, count=count
            )

    def log_failures(self) -> None:
        """Keep every failure recorded from now on for :meth:`take_failure_log` (a parse
        worker sends them to the server, which records them as its own)."""
        with self._lock:
            self._failure_log = []

    def take_failure_log(self) -> list[tuple[str, str, str]]:
        """(plugin, hook, error) of each failure since the last call."""
        with self._lock:
            if self._failure_log is None:
                return []
            taken, self._failure_log = self._failure_log, []
            return taken

    @property
    def names(self) -> list[str]:
        """The registered plugins' names."""
        return sorted(
            name for name, plugin in self.manager.list_name_plugin() if plugin is not hookspecs
        )

    @property
    def failures(self) -> list[PluginFailure]:
        with self._lock:
            return sorted(self._failures.values(), key=lambda f: (f.plugin, f.hook))

    def table_specs(self) -> list[tuple[str, TableSpec]]:
        """Every declared derived table, with the plugin that owns it."""
        specs: list[tuple[str, TableSpec]] = []
        for plugin_name, result in self.call_each("seenby_tables"):
            for spec in result or []:
                if isinstance(spec, TableSpec):
                    specs.append((plugin_name, spec))
                else:
                    self.record_failure(plugin_name, "seenby_tables", "not a TableSpec")
        return specs

    # -- platforms -----------------------------------------------------------------

    def infer_platform(self, url: str, page_url: str | None = None) -> str | None:
        """The platform a URL belongs to: by host first, then by any-host URL patterns."""
        for candidate in (url, page_url):
            if not candidate:
                continue
            host = (urlsplit(candidate).hostname or "").lower()
            if host in self._hosts:
                return self._hosts[host]
            for suffix, name in self._wildcards:
                if host.endswith(suffix) or host == suffix[1:]:
                    return name
        for pattern, name in self._any_host:
            if pattern.search(url):
                return name
        return None

    @property
    def platform_names(self) -> set[str]:
        return {p.name for p in self.platforms}

    def describe_plugins(self) -> list[PluginInfo]:
        infos = []
        for name, plugin in self.manager.list_name_plugin():
            if plugin is hookspecs:
                continue
            module = getattr(plugin, "__name__", type(plugin).__name__)
            hooks = sorted(
                hook.name for hook in self.manager.get_hookcallers(plugin) or [] if hook.name
            )
            infos.append(
                PluginInfo(
                    name=name,
                    module=module,
                    version=self._versions.get(name),
                    hooks=hooks,
                    builtin=module.startswith("seenby_plugins"),
                )
            )
        return sorted(infos, key=lambda i: i.name)


class HookOutcome(msgspec.Struct, frozen=True):
    """How one plugin's hook call, run in a worker thread, ended."""

    plugin: str
    hook: str
    result: Any = None
    error: str | None = None
    """What was recorded as the plugin's failure; None when it returned in time."""
    overran: bool = False


def outcomes_within(
    plugins: PluginHost,
    calls: Sequence[tuple[str, str, Future[Any]]],
    budget_s: float,
    timeout_s: float | None = None,
) -> list[HookOutcome]:
    """Waits for ``calls`` (plugin, hook, its running call) until ``timeout_s`` (the
    budget by default), and records a failure for each that raised or overran its
    budget of ``budget_s`` (those not started are cancelled; the others run on)."""
    wait([future for *_, future in calls], timeout=budget_s if timeout_s is None else timeout_s)
    outcomes: list[HookOutcome] = []
    for plugin, hook, future in calls:
        if not future.done():
            future.cancel()
            error = f"overran its time budget of {budget_s * 1000:.0f} ms"
            outcome = HookOutcome(plugin, hook, error=error, overran=True)
        elif (exc := future.exception()) is not None:
            outcome = HookOutcome(plugin, hook, error=describe(exc))
        else:
            outcomes.append(HookOutcome(plugin, hook, future.result()))
            continue
        plugins.record_failure(plugin, hook, outcome.error or "")
        outcomes.append(outcome)
    return outcomes


def describe(exc: BaseException) -> str:
    """``Type: message (file:line)`` — enough to find the bug, short enough to show."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def extra_plugin_modules() -> list[str]:
    """Modules named in ``SEENBY_PLUGINS`` (comma-separated): plugins under development,
    loaded without packaging them."""
    return [m.strip() for m in os.environ.get("SEENBY_PLUGINS", "").split(",") if m.strip()]


def load_plugins(
    extra: Iterable[object] = (),
    *,
    entry_points: bool = True,
    modules: Sequence[str] | None = None,
) -> PluginHost:
    """Load every plugin of the ``seenby`` entry-point group, then ``modules`` (by
    default those named in ``SEENBY_PLUGINS``) and ``extra`` objects.

    Entries are loaded one by one (rather than with pluggy's
    ``load_setuptools_entrypoints``, which stops at the first broken plugin) so
    a plugin that fails to import is recorded as a failure, not fatal.
    """
    manager = pluggy.PluginManager("seenby")
    manager.add_hookspecs(hookspecs)
    load_errors: list[tuple[str, str]] = []
    versions: dict[str, str] = {}
    if entry_points:
        for entry in metadata.entry_points(group="seenby"):
            if manager.get_plugin(entry.name) or manager.is_blocked(entry.name):
                continue
            try:
                plugin = entry.load()
            except Exception as exc:
                load_errors.append((entry.name, describe(exc)))
                continue
            manager.register(plugin, name=entry.name)
            if entry.dist is not None:
                versions[entry.name] = entry.dist.version
    module_names = extra_plugin_modules() if modules is None else list(modules)
    for module_name in module_names:
        try:
            manager.register(importlib.import_module(module_name), name=module_name)
        except Exception as exc:
            load_errors.append((module_name, describe(exc)))
    objects = list(extra)
    for plugin in objects:
        manager.register(plugin)
    recipe = None if objects else PluginRecipe(entry_points, module_names)
    host = PluginHost(manager, versions, recipe)
    for name, error in load_errors:
        host.record_failure(name, "load", error)
    return host
