"""Small named predicates of training."""

from lvzhi.org.permissions import can_manage_congress


def can_manage_class(user, training_class) -> bool:
    """The deputy-affairs staff of the class's congress run it (a site administrator anywhere)."""
    return can_manage_congress(user, training_class.congress_id)
