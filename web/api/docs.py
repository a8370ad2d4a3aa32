"""Documenting a view's error responses in one line, all with the one error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from web.schemas import ErrorSchema


def errors(blp: Blueprint, *codes: int, **descriptions: str) -> Callable[[Any], Any]:
    """``@errors(blp, 401, 404, s409="...")``: an ErrorSchema response for each code (descriptions by ``sNNN``)."""

    def decorate(view: Any) -> Any:
        for code in reversed(codes):
            view = blp.alt_response(code, schema=ErrorSchema, description=descriptions.get(f"s{code}"))(view)
        return view

    return decorate
