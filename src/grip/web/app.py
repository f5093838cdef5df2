"""The app factory: ``create_app(settings)`` builds the whole web app for those settings."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import logging
import pkgutil
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from starlette.routing import BaseRoute, Mount, Route

from grip import __version__, formats
from grip.access import events
from grip.jobs import JobRegistry
from grip.settings import Settings
from grip.store.db import make_engine, session_factory
from grip.web import forms, navigation, routes
from grip.web.middleware import install as install_security

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def make_templates() -> Environment:
    """The Jinja environment: our templates plus the GOV.UK Frontend macros; autoescape always."""
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(TEMPLATES_DIR),
                PrefixLoader(
                    {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
                ),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["service_navigation"] = _service_navigation
    env.globals["version"] = __version__  # the footer's
    # One way to write a date on every page (grip.formats).
    env.filters["long_date"] = formats.long_date
    env.filters["date_time"] = formats.date_time
    env.filters["month_year"] = formats.month_year
    env.filters["number"] = formats.number
    env.filters["event_words"] = events.describe
    env.filters["outcome_words"] = events.outcome_words
    env.globals["date_parts"] = forms.date_parts  # the GOV.UK date input's day, month, year
    env.globals["error_list"] = forms.error_list
    return env


def _service_navigation(request: Request) -> list[dict[str, Any]]:
    """The layout's navigation items for the person signed in on this request, if any."""
    principal = getattr(request.state, "principal", None)
    return navigation.items(principal, request.url.path)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settle_long_lived_objects()
    yield
    app.state.jobs.shutdown()  # the job worker processes end with the app
    gc.unfreeze()  # what the server held may be collected again as the process ends


def settle_long_lived_objects() -> None:
    """Put what the server has built so far (modules, templates, specs, routes: about 200,000
    objects that live as long as the process) out of the garbage collector's reach, once, as
    the server starts.

    A full collection walks every tracked object while every request waits: with them, 105 ms
    at 60,000 children, the p95 of a busy minute; without, 20 ms (docs/performance.md). What
    is still garbage is collected first, and objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


def warm_measures(app: FastAPI) -> threading.Thread:
    """Keep every LA's measures for today computed, in a background thread, from the moment
    the server starts and every ``measures_warm_seconds`` after (:func:`grip.measures.kept.warm`):
    an import made while the server runs (``grip import`` is another process), a restriction or
    a changed setting is computed here, not on the next person's view of the dashboard. A run
    whose data has not changed is only looked up. A page asked for while a run is computed
    waits for it rather than starting its own. ``app.state.warm_stop`` ends the thread."""
    from grip.measures import kept

    stop = threading.Event()
    app.state.warm_stop = stop

    def run() -> None:
        while True:
            try:
                kept.warm(app.state.engine, dt.date.today(), app.state.settings)
            except Exception:  # the server goes on; the next view computes as it would have
                logging.getLogger(__name__).exception("warming the measures failed")
            if stop.wait(app.state.settings.measures_warm_seconds):
                return

    thread = threading.Thread(target=run, name="warm-measures", daemon=True)
    thread.start()
    return thread


def create_app(settings: Settings) -> FastAPI:
    """Build the app for ``settings``: database, templates, static assets and every route."""
    app = FastAPI(
        title="Grip",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.routers = []
    app.state.engine = make_engine(settings.resolved_database_url)
    app.state.sessions = session_factory(app.state.engine)
    app.state.templates = make_templates()
    # Heavy work (Annex A builds, workbook checks) runs in worker processes, off the request.
    app.state.jobs = JobRegistry(settings.heavy_jobs_overall, settings.heavy_jobs_per_user)
    install_security(app)
    if settings.frontend_dir.is_dir():
        app.mount(
            "/assets/govuk",
            StaticFiles(directory=settings.frontend_dir),
            name="govuk",
        )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for mod in sorted(pkgutil.iter_modules(routes.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{routes.__name__}.{mod.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
            app.state.routers.append(router)
    navigation.check_routes(r.path for r in iter_routes(app) if isinstance(r, APIRoute))
    return app


def iter_routes(app: FastAPI) -> Iterator[BaseRoute]:
    """Every route of the app, flattened (included routers are expanded)."""
    for route in app.router.routes:
        if isinstance(route, APIRoute | Mount | Route):
            yield route
    for router in app.state.routers:
        yield from router.routes
