def paginate(items: list, page: int, per_page: int = 10) -> dict:
    # TODO: return {"items": the items on the 1-based page, "page": page,
    # "total_pages": number of pages (at least 1)}; raise ValueError if page < 1
    # or per_page < 1. A page past the end has an empty "items" list.
    pass
