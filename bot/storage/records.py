"""Rows in, frozen records out: the one mapping from ORM rows to the plain records the domain sees."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

RecordT = TypeVar("RecordT", bound="DataclassInstance")


def record_from_row(record_type: type[RecordT], row: object, **converted: Any) -> RecordT:
    """`record_type` built from `row`: each field takes the column of the same name, unless `converted`
    gives its value (an enum made from the stored string, a value composed of several columns).

    One mapping instead of one hand-written constructor call per record, so a field and its column
    cannot drift apart silently: a field with neither a column nor a converted value raises
    AttributeError the first time a record is read.
    """
    values = {
        field.name: converted[field.name] if field.name in converted else getattr(row, field.name)
        for field in fields(record_type)
    }
    return record_type(**values)
