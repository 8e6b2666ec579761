"""The opinions' figure lists (their count and page), built once until the opinions change.

A province's list behind one number counts about 100,000 opinions (January to November) before it shows its
first 50; even read from the figures index alone that COUNT costs 50–400 ms, against a page of 50 rows read
in a few. So a list page's body (its count and rows) is kept in the cache per what the reader may read and
the query (lvzhi.core.list_cache.page_key), and stored with the opinions' version.

Any save or delete of an opinion, a citizen's rating (the satisfaction figure) or a congress (a subtree that
moves) sets a new version (`bump`, connected in OpinionsConfig.ready), so the next request builds afresh: the
number always equals the rows the list pages through. Writes in bulk send no signal: the services that write
opinions in bulk call `bump()` themselves (the hotline import), and the TTL is the safety net for anything
else (raw SQL, a restored database). The machinery is lvzhi.core.list_cache's.
"""

from __future__ import annotations

from lvzhi.core.list_cache import RecordsVersion

LISTS = RecordsVersion("opinions:lists", ("opinions.Opinion", "opinions.CitizenRating", "org.Congress"))
bump = LISTS.bump
connect = LISTS.connect
