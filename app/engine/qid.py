"""Question ids, typed: one parse of the text form, then fields everywhere.

The text form is what rule files, household files and forms carry:

=====================  ===========================================  ===================
text                   what it names                                fields
=====================  ===========================================  ===================
``region``             a household fact                             fact
``children``           how many people a list group has             group
``children.age``       a fact asked of every member of a group      group, fact
``children[2].age``    one member's fact (1-based, in messages)     group, fact, member
``children[2]``        one member as a whole (in messages)          group, member
=====================  ===========================================  ===================

``member`` is 0-based in the field and 1-based in the text, as people count.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_TEXT = re.compile(r"^([a-z_][a-z0-9_]*)(?:\[(\d{1,4})\])?(?:\.([a-z_][a-z0-9_]*))?$")


class QuestionId(NamedTuple):
    group: str | None = None
    fact: str | None = None
    member: int | None = None

    @classmethod
    def parse(cls, text: str) -> QuestionId | None:
        """The id written in ``text``, or None when it is not an id at all."""
        match = _TEXT.match(text) if isinstance(text, str) else None
        if match is None:
            return None
        head, index, name = match.groups()
        if index is None and name is None:
            return cls(None, head)  # a household fact, or a list group's size: the vocabulary knows which
        if index is not None and int(index) < 1:
            return None
        return cls(head, name, int(index) - 1 if index is not None else None)

    @classmethod
    def household(cls, fact: str) -> QuestionId:
        return cls(None, fact)

    @classmethod
    def of_member(cls, group: str, fact: str | None, member: int | None = None) -> QuestionId:
        return cls(group, fact, member)

    @property
    def is_member_fact(self) -> bool:
        """A fact about people in a group (``children.age``)."""
        return self.group is not None and self.fact is not None

    @property
    def for_every_member(self) -> QuestionId:
        """The question as asked of the whole group: ``children[2].age`` -> ``children.age``."""
        return self._replace(member=None)

    def __str__(self) -> str:
        if self.group is None:
            return self.fact or ""
        text = self.group if self.member is None else f"{self.group}[{self.member + 1}]"
        return f"{text}.{self.fact}" if self.fact else text
