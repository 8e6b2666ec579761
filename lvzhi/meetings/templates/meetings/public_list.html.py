BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB BBBB
BBBBB BBBBBBB
XXXX gettext(u'Meetings open to citizen observers') XXXXX
XX XXXXXXXXXXXX XXXXXXX gettext(u'Citizens may apply to observe (旁听) these meetings of the standing committee, hearings and open court sessions. Places are limited; the office reviews each application and calls you with the decision.') XXXX
BBB B BB BBBBXXXXXXXX XXXXXXXXXXX XXXXXXXXX
XXXXXX XXXXXXBBB BBBBBBBBBBBBBBBBBBBBBBBB BBBBXXXXXXXXXXX
XXX X XXXX
XXXXXXXXXXX gettext(u'Date') XXXXXXXXXX  XXXXXXXXXXXX gettext(u'Place') XXXXXXXXXX XXXX
XX XXXXXXXXXXXXXXBB BBBBBBBBBBBB gettext(u'%(n)s places left · apply by %(closes)s') SSSSS SSSSSS SSSS S SSSSS SS SSSSSSSSSS X XX XXXXXXBBB BBBBBBBBBBBBBBBBBBBBBBBB BBBBXX gettext(u'Apply') XXXXBBBBBXXXX
XXXXXXXXXXBBBBBXX XXXXXXXXXXXXXX gettext(u'No meeting takes observers at present.') XXXXBBBBBB
BBBBBBB BBBBBBBBBBBBBBBBBBBBBBBBBB
BBBBBBBB
