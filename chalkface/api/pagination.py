"""Pages of a list: ``?page=&page_size=`` in, ``count``, ``next``, ``previous`` and ``results`` out."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from chalkface.api.errors import ApiError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class Pages(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000, description="Which page, from 1")
        page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items on a page")

    class Output(Schema):
        count: int = Field(..., description="Items on all pages together")
        next: str | None = Field(None, description="The address of the next page, if any")
        previous: str | None = Field(None, description="The address of the previous page, if any")
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page, size = pagination.page, pagination.page_size
        count = self._items_count(queryset)
        last = max(1, -(-count // size))
        if page > last:
            raise ApiError("not_found", f"There is no page {page}; the last page is {last}.")
        offset = (page - 1) * size
        return {
            "count": count,
            "next": _page_url(request, page + 1, size) if page < last else None,
            "previous": _page_url(request, page - 1, size) if page > 1 else None,
            "results": list(queryset[offset : offset + size]),
        }


def _page_url(request: HttpRequest, page: int, size: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    query["page_size"] = str(size)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class Mapped:
    """A query whose rows are turned into dicts only for the page that is shown (one query for the page)."""

    def __init__(self, queryset: Any, convert: Any) -> None:
        self.queryset = queryset
        self.convert = convert

    def __len__(self) -> int:
        return int(self.queryset.count())

    def __getitem__(self, window: slice) -> list[Any]:
        return [self.convert(row) for row in self.queryset[window]]
