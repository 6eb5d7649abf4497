"""Who a notice is for: everyone, any union of groups, and residents chosen by name."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Audience:
    everyone: bool = False
    group_ids: tuple[int, ...] = ()
    individual_ids: tuple[int, ...] = ()

    @property
    def chosen(self) -> bool:
        return self.everyone or bool(self.group_ids) or bool(self.individual_ids)
