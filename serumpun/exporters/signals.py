"""Signals of the exporters registry for writes that Django's model signals miss.

`products_changed` is sent by bulk writers (`bulk_create`, `bulk_update`, `update()`)
of products, MSMEs, certificates or readiness assessments, with `product_ids` and/or
`msme_ids` and `using`, inside their transaction, so that data derived from those
records elsewhere (trade's matching facts) is rewritten in step.
"""

from __future__ import annotations

from django.dispatch import Signal

products_changed = Signal()
