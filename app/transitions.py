"""A status that moves by a transition table: an illegal move is a 409 listing the allowed
ones. (Small and generic on purpose; to be unified with the other resources' state machines.)"""
from app.errors import fail


class Transitions:
    def __init__(self, noun: str, moves: dict[str, tuple[str, ...]]):
        self.noun, self.moves = noun, moves

    def allowed(self, status: str) -> tuple[str, ...]:
        return self.moves.get(status, ())

    def move(self, record, status: str) -> bool:
        """Set ``record.status`` (through ``set_status`` when the model has one); False when it
        already is ``status`` (no change), 409 when the table does not allow the move."""
        if record.status == status:
            return False
        allowed = self.allowed(record.status)
        if status not in allowed:
            moves = ", ".join(allowed) or "none: it is final"
            fail(409, f"A {self.noun} that is {record.status} cannot become {status}; allowed: "
                      f"{moves}.", code="invalid_transition", allowed=list(allowed))
        setter = getattr(record, "set_status", None)
        if setter:
            setter(status)
        else:
            record.status = status
        return True
