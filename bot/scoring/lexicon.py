"""Everyday English the typo repair must leave alone.

Typo repair maps a word the rubric does not know to a rubric word a letter or two away.  That
is only safe for words that are actually misspelt: "while" is one edit from "whole" and
"state" from "stale", yet a candidate who wrote them meant exactly what they wrote.  Words
listed here (and anything that stems like them) are therefore never rewritten.  Only words of
five letters or more matter, since shorter stems are never repaired.
"""

from __future__ import annotations

from bot.scoring.text import stem

_EVERYDAY = """
about above absent absolute absolutely accept accepted access accident accord account accurate achieve across
action active actual actually adapt added adding address admit adopt advance advice affect afford after afterwards
again against agree agreed ahead alarm alert alike alive allow allowed almost alone along already alright also
although always among amount ample angle angry annoy another answer anybody anyhow anyone anything anyway anywhere
apart appear apply approach approve area argue arise around arrange arrive article aside asked asking assume
attach attempt attend author avoid aware awful badly balance based basic basically basis batch beach bears became
because become becomes before began begin behalf behave behind being belief believe belong below bench beside
besides better between beyond bigger biggest bitter black blame blank blind block blocks blood board boost
borrow bother bottom bound brain branch brand brave bread break brief bright bring broad broke broken brought
brown build built bunch burden burst busy button buyer cable called calls calm came camera cannot capable
capital carry cases catch cause caused causes cease central centre century certain certainly chain chair chance
change changed charge chart cheap check cheer chief child choice choose chose chosen circle claim class clean
clear clearly clever client climb clock close closed closely cloud coach coast collect colour color combine
comes comfort coming command comment common company compare complain complete concern confirm connect consider
constant contain content continue control convert convince copies correct cost costly could count counter
country couple course court cover crash crazy create created credit crime cross crowd cruel current custom
cycle daily damage dance danger dated dealt dealing death debate decade decide decided deeply defend define
degree delay deliver demand depend depth describe design desire detail detect develop device differ dinner
direct dirty discuss display distance divide doctor doing doubt dozen draft drama drawn dream dress drink
drive driven driver during early earlier earth easier easily eaten editor effect effort eight either elder
element elsewhere email empty ended ending enemy enjoy enough ensure enter entire entirely entry equal error
escape especially essay event events every everybody everyone everything everywhere exact exactly example
except excite exist expect expert explain express extend extra extreme faced facing factor fails failed
failure fairly faith false family famous farther father fault favour favor feature feels fellow fewer field
fifth fifty fight figure filled final finally finance find finding finish first fixed flash fleet flight float
floor flows focus folks follow followed force forced foreign forest forget forgot formal former forth forty
forward found frame fresh friend front fruit fully funny further future gained garden gather gave general
gently given gives giving glass global goals going goods grade grand grant great green greet gross ground
group grown growth guard guess guest guide habit half handle handled happen happy harder hardly hasn't having
heads heard heart heavy hello helped helps hence hidden higher highly history holds holder honest hoped hopes
horse hotel hours house however human hundred hurry ideal ideas image imagine impact imply improve include
income indeed index inner input inside insist instead intend invite involve issue issues items itself joined
judge juice keeps killed kinds kitchen knife known knows label labour large largely later latest latter laugh
layer leader learn learned least leave leaving legal length lesson letter level light likely limit liner
listen little lived lives local logic lonely longer looked loose lower lucky lunch machine mainly major makes
making manage manner march market master match matter maybe means meant measure media meeting member memory
mention merely metal method middle might minor minute mixed model modern moment money month moral mostly
mother motion mouth moved movie moving music myself naked named narrow nation nature nearby nearly neither
nerve never night nobody noise normal north notes nothing notice novel number often older once online only
onto opened opinion order other others otherwise ought outer outside owner paint panel paper parent party
passed patch pause peace people perfect perhaps period person phase phone photo phrase piece pilot place
plain plane plant plate played player please plenty point police policy poor popular position possible
pound power practice prefer press pretty price pride prime print prior private prize probably problem proper
proud prove provide public purpose quick quickly quiet quite quote radio raise range rapid rarely rather
reach react ready realise realize really reason recall recent record reduce refer region relate relax rely
remain remember remind remove repeat reply report require rest result return reveal right river rough round
route rules ruled rural safely sales saved scale scene school score screen season second secret section
seems seldom sense serve seven several shall shape share sharp sheet shelf shift shirt shock shoot short
should shout shown shows sight signal silly simple simply since single sister sites skill sleep slide slight
slowly small smart smell smile smoke social solid solve somebody somehow someone something sometimes
somewhat somewhere sorry sound south space spare speak special speed spend spent split sport spread spring
square staff stage stand start state statement stays steady steal steel stick still stock stone stood store
storm story straight strange street strength stress stretch strict strike strong stuck study stuff style
subject succeed success sudden suffer sugar suggest summer super supply support suppose surely surface
surprise sweet table taken takes talent talked taste teach teams tears tells tempt tends terms thank thanks
their theirs theme themselves theory there therefore these thick thing think third those though thought three
threw through throw tight times tired title today together token tomorrow tonight topic total touch tough
toward towards tower track trade train travel treat trend trial tried tries truly trust truth trying twice
typical under understand unless until upper upset urban usage using usual usually valid value various
version video views visit voice waiting walked wanted warm watch water wealth weird weight welcome whatever
wheel whenever where whereas wherever whether which while white whole whose wider widely willing window
winner wishes within without woman women wonder words worked worker works world worried worry worse worst
worth would wound write writer wrong wrote yield young yours yourself youth
"""

# Ordinary programming words outside any one rubric that sit an edit away from rubric words.
_TECHNICAL = """
array assert await binary boolean bytes caller calling compile compiler config constant debug debugger
decode default delete deploy encode engine except fetch field fields files float format frame global
header hashes import inline integer lambda layer local logger logging method module nested object parse
parser patch print query queue raise random range regex render request return route router schema script
select server shell slice socket sorted source stack state static string struct syntax tuple unique update
upload value vector widget worker
"""

COMMON_STEMS: frozenset[str] = frozenset(stem(word) for word in (_EVERYDAY + _TECHNICAL).split())

# Short everyday words (the list above stops at five letters, since typo repair ignores shorter
# ones).  Coverage needs them to tell an answer about Python from a talk on any other subject
# that happens to share "load", "line", "size" or "run".
_SHORT = """
able act add ago aim air all also any area up go let via got arm ask away back bad bag bar base bear beat bed best big bit
blue body book born both box boy buy call came card care case cash cost cut dark data day deal did die
door down draw drop due duty each easy eat edge else end even ever eye face fact fail fair fall far fast
feel feet few file fill find fine fire firm fit five flat flow fly food foot form four free from full fun
gain game gave get girl give goal goes gone good grow half hall hand hang hard head hear heat held help
here high hit hold home hope hour huge idea into item job join just keep kept kind knew know lack lady
land last late lead left less life lift like line link list live load long look lose loss lost lot love
low made main make man many mark mass may mean meet mind miss mode more most move much must name near
need new next nice nine none note now off old once one only open out over own page paid pair part pass
past path pay per pick plan play plus poor pull push put quit race rate read real rest rich ride rise
risk road rock role room rule run safe said sale same save say see seem seen self sell send sent shop
show shut side sign site six size slow soft sold some soon sort spot stay step stop such sure take talk
tell ten than that them then they thin this thus tiny told too took top tree true turn two type unit
upon use used user very view wait walk wall want warm wash watch weak wear week well went were what when
whom wide wife will wind wish with word work year yes yet your zero
"""
EVERYDAY_STEMS: frozenset[str] = COMMON_STEMS | frozenset(stem(word) for word in _SHORT.split())
