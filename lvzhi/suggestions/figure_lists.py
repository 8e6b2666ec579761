"""The lists behind the suggestions' figures, rendered once until a suggestion or anything their rows show
changes (lvzhi.core.list_cache): a province's list costs its COUNT and fifty rows of authors, units, replies
and ratings, the same for every reader of the same scope."""

from lvzhi.core.list_cache import RecordsVersion

LISTS = RecordsVersion(
    "suggestions:lists",
    (
        "suggestions.Suggestion",
        "suggestions.Signer",
        "suggestions.Assignment",
        "suggestions.Reply",
        "suggestions.Evaluation",
        "suggestions.Consultation",
        "suggestions.SurveyAnswer",
        "org.Unit",
        "org.Person",
        "org.Congress",
    ),
)
