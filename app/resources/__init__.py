"""One blueprint module per resource, each with its ``blp``: a module added here is
registered by create_app, and documented under its tag, without a list to edit."""
import importlib
import pkgutil


def blueprints() -> list:
    modules = sorted(info.name for info in pkgutil.iter_modules(__path__))
    return [importlib.import_module(f"{__name__}.{name}").blp for name in modules]
