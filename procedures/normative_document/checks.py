"""The one check of ``normative_document`` that the generic rule kinds cannot say: a pure function of a Context."""

from __future__ import annotations

from workflow.rules import Context


def number_matches_registration(ctx: Context) -> list[str]:
    """ND-42: a registered document is published under the number the legal office gave it (统一编号).

    Holds when there is no current registration (the jurisdiction may not require 三统一, ND-40 says
    whether it does), or when the latest publication states no number of its own (it is published under the
    registered one) or exactly the registered number.
    """
    registration = ctx.snapshot.latest("registration")
    if registration is None:
        return []
    publication = ctx.snapshot.latest("publication")
    if publication is None:
        return ["no current 'publication' record"]
    registered = registration.data.get("document_no")
    published = publication.data.get("document_no")
    if published is not None and published != registered:
        return [f"publication #{publication.id} gives document number '{published}', "
                f"registration #{registration.id} registered '{registered}'"]
    return []
