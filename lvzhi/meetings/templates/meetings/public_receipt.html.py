BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB BBBB
BBBBB BBBBB gettext(u'Your application to observe') BBBBBBBB
BBBBB BBBBBBB
XXXX gettext(u'Your application to observe') XXXXX
XXXXXXXX XXXXXXXXXXX XXXXXXXXX
XXXXXXXXXXX gettext(u'Application number') XXXXXXXXXX XXXX
XXXXXXXXXXX gettext(u'Applicant') XXXXXXXXXX XXXX
XXXXXXXXXXX gettext(u'Meeting') XXXXXXXXXX XXXX  X XXXX
XXXXXXXXXXX gettext(u'State') XXXXXXXXXX XXXX
BB BBBBBBBBXXX gettext(u'Approved: please come on time with the ID card you applied with; it is checked at the entrance.') XXXXBB BBBBBBBBBBBBBBBBBBBBBBXX XXXXXXXXXXXXXXFFFFFFFFFFFFXXXXBBBBB
BBBB BBBBBBBBXXX gettext(u'Your application was not approved.') BB BBBBBBBBBBBBBBB  gettext(u'Reason') X BBBBBXXXX
BBBBXXX gettext(u'Received. The office reviews it and calls or texts you with the decision.') XXXXBBBBB
XXXXXXXXXX
XXXXXXXX XXXXXXXXXXX XXXXXXX
XXX gettext(u"Keep this page's address to see the decision later:") XXXX
XX XXXXXXXXXXXXXXXXXXX
XX XXXXXXXXXXXXXX gettext(u'Your ID card number and mobile are not shown here; they are used only to review your application and admit you.') XXXX
XXXXXXXXXX
BBBBBBBB
