"""Coprod: ask, decide and follow, in easy read, for partnership boards."""

from __future__ import annotations

from flask import Flask

from coprod.paths import PROJECT_ROOT, instance_path


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    from coprod.config import engine_options, load_config

    app.config.from_mapping(load_config(instance_path()))
    if test_config:
        app.config.from_mapping(test_config)
        if "SQLALCHEMY_ENGINE_OPTIONS" not in test_config:
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])

    from coprod.web import init_web

    init_web(app)

    import logging

    from coprod import logs

    logs.install(app.logger, logging.getLogger("werkzeug"), logging.getLogger("coprod"))
    return app
