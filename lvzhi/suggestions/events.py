"""Event kinds of the suggestions loop (recorded through lvzhi.core.audit.record_event)."""

STEP = "suggestion.{step}"  # every workflow step, with from -> to
CREATED = "suggestion.created"
UPDATED = "suggestion.updated"
SIGNER_INVITED = "suggestion.signer_invited"
SIGNER_CONFIRMED = "suggestion.signer_confirmed"
SIGNER_DECLINED = "suggestion.signer_declined"
ATTACHMENT_ADDED = "suggestion.attachment_added"
