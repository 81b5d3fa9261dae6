"""Warnings raised from our own code (the vgk package, config, the tests) fail the test run; those of
third-party libraries are left as they are."""
import builtins
import configparser
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def configured_filters():
    """The filterwarnings lines of pytest.ini, as (action, message, category, module regex) tuples."""
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(ROOT / "pytest.ini")
    filters = []
    for line in ini["pytest"]["filterwarnings"].strip().splitlines():
        action, message, category, module, _ = (part.strip() for part in (line + "::::").split(":")[:5])
        filters.append((action, message, getattr(builtins, category or "Warning"), module))
    return filters


def warn_from(module_name):
    """Issue a UserWarning from code whose module is module_name, as warnings.warn sees it."""
    exec("import warnings\nwarnings.warn('a warning', UserWarning)", {"__name__": module_name})


@pytest.fixture
def only_configured_filters():
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, message, category, module in configured_filters():
            warnings.filterwarnings(action, message, category, module)
        yield


def test_the_ini_turns_our_warnings_into_errors():
    assert ("error", "", Warning, r"(vgk|config|tests)(\.|$)") in configured_filters()


@pytest.mark.parametrize("module_name", ["vgk", "vgk.services.commerce.orders", "vgk.demo", "config", "tests.unit"])
def test_a_warning_from_our_code_is_an_error(only_configured_filters, module_name):
    with pytest.raises(UserWarning, match="a warning"):
        warn_from(module_name)


@pytest.mark.parametrize("module_name", ["sqlalchemy.orm", "flask", "vgkextras", "configparser", "testsuite"])
def test_a_third_party_warning_is_only_shown(only_configured_filters, module_name):
    with warnings.catch_warnings(record=True) as caught:
        warn_from(module_name)
    assert [str(w.message) for w in caught] == ["a warning"]


def test_the_running_session_applies_the_filter():
    with pytest.raises(UserWarning):
        warn_from("vgk.services.example")
