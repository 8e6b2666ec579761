"""The activities lists behind the dashboards' "Activities (人次)" (their count and page), built once until a
participation, an activity or a name they show changes (lvzhi.core.list_cache): a province's year is 450,000
confirmed participations, whose COUNT alone costs more than a page of fifty rows."""

from lvzhi.core.list_cache import RecordsVersion

LISTS = RecordsVersion(
    "performance:activity_lists",
    ("performance.Participation", "performance.Activity", "org.Person", "org.Congress", "stations.Station"),
)
