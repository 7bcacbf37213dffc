package compliance

import "strings"

// Claim constructions. The phrase patterns in rules.go are extended here by
// constructions: a claim is a target (the provider, its staff, its results,
// other providers, the reader's social world) combined with a claim kind
// (ranking, certainty, social proof, comparison, fear or shame, endorsement,
// credential). Two mechanisms express them:
//
//   - more pattern specs per rule (claimSpecs), written with word classes for
//     the targets, so one spec covers many phrasings;
//   - sentence constructions (constructions): a target word and a cue word
//     of the same sentence, within a window, make a finding that spans both.
//
// Scope is handled once for every rule in accept: negation (also over a list
// after "do not offer", "no", "without"), hedges for certainty claims ("may",
// "can help"), reader questions, sentences about the rules themselves
// ("regulations prohibit ...", "be wary of clinics that promise ..."), street
// names ("1 Guarantee Road") and proper names ("Health Promotion Board").

var claimClasses = map[string]string{
	// people who deliver the service
	"staff": "doctor|doctors|dr|physician~|surgeon~|dermatologist~|injector~|nurse~|therapist~|aesthetician~|practitioner~|team|staff|specialist~|director|consultant~|clinician~",
	// units counted in social-proof claims
	"countable": "patient~|client~|customer~|procedure~|treatment~|case~|people|singaporean~|women|men|famil~|lift~|injection~|surger~|transplant~|face~|smile~|bride~|mum~|member~",
	// other kinds of providers, named without "other"
	"rivalkind": "centres|centers|counter~|kiosk~|shops|therapists|salon~|spa~|parlour~|parlor~|gp|gps|polyclinic~|hospital~|chain~|clinics|doctors|surgeons|dermatologists|aestheticians|beauticians|beautician|korea|jb|bangkok|device~|gadget~|competitor~|elsewhere",
	"agewords":  "older|old|tired|exhausted|haggard|unfriendly|unattractive|ugly|dull|sick|worn|aged|saggy|fat|lazy|unhygienic|dirty|unkempt|sloppy|grumpy|sad|angry",
	"timeunit":  "day~|week~|month~|year~",
	"pic":       "photo~|picture~|image~|gallery|galleries|album~|shot~|pic|pics|snapshot~|selfie~|photograph~",
	"audience":  "people|everyone|everybody|others|friends|colleagues|strangers|partner|laws|world|nobody|guys|girls|boss|classmates|relatives|date|dates|crush",
}

// claimSpecs are added to the rules' own specs at init.
var claimSpecs = map[string][]spec{
	RuleLaudatory: {
		{e: "leading the industry|market|field|way|region"},
		{e: "exceptional|outstanding|excellent from start"},
		{e: "sets|set us apart"},
		{e: "the best results|outcomes|care|doctors|team|service", na: "usually|often|typically|generally|come|comes|depend|depends|need|needs|require|requires|are|is|happen|occur|when|with|from|for|you|possible|if"},
		{e: "outstanding|superior|superb|exceptional|excellent|brilliant|stellar|unbeatable care|results|service|team|doctors|quality|expertise|outcomes|treatment~"},
		{e: "consistently|always|truly|simply *1 superior|outstanding|excellent|exceptional|better|brilliant"},
		{e: "set~|setting new|the standard~|benchmark~|bar"},
		{e: "the very best"},
		{e: "highest|best|top patient satisfaction|success|rating~|outcomes"},
		{e: "no one|nobody better"},
		{e: "the home of"},
		{e: "learn from us"},
		{e: "clinics learn from"},
		{e: "nobody|no one does *3 better"},
		{e: "won't|will not|wont|can't find *3 anywhere else|elsewhere"},
		{e: "level of expertise|care|skill|service you"},
		{e: "synonymous with"},
		{e: "perfection", nb: "not|no"},
		{e: "highest|best|top|finest standard~|quality|level"},
		{e: "crème|creme de la"},
		{e: "cream of the crop"},
		{e: "no better place|clinic|choice|team|doctor|way"},
		{e: "best kept secret"},
		{e: "completed|delivered|carried out over|more|<n>"},
		{e: "unlike any other|anything else"},
		{e: "masterpiece~|pinnacle|epitome|hallmark|artistry|aspire~|uncompromising|unmatched|impeccable|meticulous|peerless"},
		{e: "true|real *1 artist~|master~|magician~|perfectionist~"},
		{e: "artists|artist of|with the"},
		{e: "chosen|preferred|picked|loved by thousands|hundreds|many|millions"},
		{e: "renowned|famed|celebrated|known for our|their|his|her"},
		{e: "renowned|famous|celebrated|acclaimed|known for *2 flawless|natural|stunning|amazing|excellent|best|outstanding|results|expertise"},
		{e: "other doctors *3 send|refer|recommend|choose|trust"},
		{e: "benchmark|benchmarks|yardstick", nb: "a|no"},
		{e: "set~|setting|raise~|raising the standard|bar|benchmark"},
		{e: "ahead of *2 anything|anyone|everyone|others|the|competition"},
		{e: "years ahead"},
		{e: "excellence|excellent|excel", nb: "centre|center"},
		{e: "simply|truly|undoubtedly|arguably|clearly the best|finest|top"},
		{e: "the best at|in|around|there|of"},
		{e: "industry|market|category defining|leading|best"},
		{e: "highly|top|best|most rated|reviewed|regarded"},
		{e: "the name *2 trust~"},
		{e: "results speak~"},
		{e: "speak~ louder"},
		{e: "first and|& only|most|best|largest"},
		{e: "unrivalled|unbeaten|unbeatable|incomparable|unequalled|unequaled|world-beating|second-to-none"},
		{e: "most *1 experienced|skilled|talented|qualified|sought|trusted|respected|renowned|awarded|advanced|innovative|reputable|popular|recommended"},
		{e: "we are|we're *1 the experts|specialists|leaders|authority"},
		{e: "masters of|in"},
		{e: "over|nearly|almost|some|above|exceeding|past <n> *2 @countable", na: "ago|old|of|aged|above|with|who|should|may|can|need~|have|has|were|are|had", s: "remove the count: patient numbers are social proof"},
		{e: "more than <n> *2 @countable", na: "ago|old|of|aged|above|with|who|should|may|can|need~|have|has|were|are|had", s: "remove the count: patient numbers are social proof"},
		{e: "<n> *2 @countable treated|served|performed|done|completed|helped|transformed|trusted", nb: "of|to|in|for|than|about|every|between", s: "remove the count: patient numbers are social proof"},
		{e: "<n> thousand|hundred|000 *2 @countable", s: "remove the count: patient numbers are social proof"},
		{e: "thousands|hundreds|tens|millions of *2 @countable|happy|satisfied|singaporean~|famil~", s: "remove the count: patient numbers are social proof"},
		{e: "performed|treated|served|helped over|thousands|hundreds|<n>", s: "remove the count: patient numbers are social proof"},
		{e: "performed|treated|served|helped more than"},
		{e: "trusted by|among", s: "remove the endorsement claim"},
		{e: "and counting"},
		{e: "gold standard", s: "describe the evidence for the treatment instead"},
		{e: "most popular|favourite|favorite|sought|requested|loved|trusted|recommended|comprehensive|established|renowned|respected|modern|exclusive|luxurious|sophisticated|extensive|qualified|elite"},
		{e: "singapore's|asia's|sg's|island's|region's|world's|town's|east's|west's|heartland's *1 favourite|favorite|most|largest|biggest|leading|top|first|best|premier|number|no|trusted|go|popular|only"},
		{e: "favourite|favorite|preferred clinic|destination|place|choice|spot|doctor|aesthetic~"},
		{e: "go to clinic|destination|place|doctor|spot"},
		{e: "@provider of choice"},
		{e: "choice for|of *2 expats|professionals|celebrities|stars|singaporean~|women|men|discerning"},
		{e: "pioneer~|trailblaz~|trendsetter~", na: "study|studies|research|researchers"},
		{e: "one of the largest|biggest|leading|top|best|most|finest|foremost|premier", na: "common|frequent|important|usual|likely|widely|frequently|commonly|often|typical|serious|effective"},
		{e: "largest|biggest|greatest|newest|safest|fastest|finest *3 @provider|group~|chain~|range|selection|team|network|collection|centre~|clinic~"},
		{e: "voted|named|ranked|crowned|awarded *3 best|top|no|number|#|favourite|favorite|leading"},
		{e: "nothing less|short than|of"},
		{e: "nothing but the best"},
		{e: "lead~ the way|field|pack|market"},
		{e: "ultimate", na: "goal|aim|cause|decision"},
		{e: "unparalleled|unrivalled|exceptional|impeccable|superior|luxury|luxurious|elite|prestigious|exquisite care|service|expertise|results|skill~|standard~"},
		{e: "expert hands|care"},
		{e: "the place to go"},
		{e: "like no other"},
	},
	RuleGuarantee: {
		{e: "gone|cleared|vanish~|disappear~ instantly|overnight|immediately"},
		{e: "vanish~|disappear~|gone after|in one|a|just"},
		{e: "ever again|never again"},
		{e: "can|we promise|guarantee you"},
		{e: "definitely|certainly|surely love|like|enjoy|be happy"},
		{e: "complications|side effects|problems *2 do not|don't|never happen|occur"},
		{e: "permanent hair removal|reduction"},
		{e: "never worry|again", nb: "not"},
		{e: "impossible to get|go it? wrong"},
		{e: "look~|looking perfect|flawless|younger|amazing", nb: "not|no"},
		{e: "sure to"},
		{e: "after every session|treatment|visit"},
		{e: "never fade|fades|wear off|wears off"},
		{e: "no|zero chance|possibility|risk of"},
		{e: "we|i promise~"},
		{e: "promise~ you|you'll|results|that"},
		{e: "no|zero downside~|catch"},
		{e: "for good", na: "health|reason|reasons|measure|skin"},
		{e: "full stop|period|no ifs"},
		{e: "for life", na: "insurance"},
		{e: "every time", nb: "not"},
		{e: "disappear~|vanish~|fade~|clear~ in *1 weeks|days|minutes|hours|one|a"},
		{e: "will shrink|vanish|disappear|tighten|lift|clear|fade"},
		{e: "age proof|ageproof|ageless|timeless"},
		{e: "definitely|certainly|surely look|be|see|get|feel|notice|become"},
		{e: "never cause~|causes|irritate~|hurt~|fail~|scar~", neg: true},
		{e: "is|are certain|assured|inevitable|a certainty"},
		{e: "certain with|after|for"},
		{e: "instant|instantly lift|glow|confidence|results|fix|youth|radiance|transformation"},
		{e: "work~ every time|always"},
		{e: "cleared|removed|gone|eliminated|erased completely|entirely|fully|totally"},
		{e: "no doubt|question about it"},
		{e: "won't|wont|will not|never|don't|dont|not come|coming|grow|return|recur~ back|again", neg: true},
		{e: "won't|wont|will not|never return|recur~|reappear~", neg: true},
		{e: "or we *3 again|free|refund~|back"},
		{e: "gone|cleared|removed|banished|erased for life|good|ever|forever"},
		{e: "zero|no discomfort|pain|bruising|swelling|redness|scars|scarring"},
		{e: "truly|really|actually|always works|work"},
		{e: "erased|eliminated|vanished|banished|wiped"},
		{e: "immediate|immediately|instant|overnight result~|results|effect~|improvement~|transformation~"},
		{e: "immediate|instant and|& long-lasting|lasting|permanent"},
		{e: "long lasting|lasting results|effect~|solution~"},
		{e: "results|effects are immediate|instant|permanent|guaranteed|certain|lasting"},
		{e: "every|each single *2 patient~|client~|person|time"},
		{e: "100 %|percent|per *3 success|effective|satisfaction|results|safe"},
		{e: "success rate"},
		{e: "no|zero|without fail|failures|exception"},
		{e: "completely|fully|totally|permanently cure~|heal~|fix~|restore~|remove~|clear~|reverse~"},
		{e: "free skin|face in <n>"},
		{e: "in <n> day~|week~ or"},
		{e: "clinically|scientifically|medically|dermatologically|tried proven|tested|shown", s: "cite the evidence and its limits instead"},
		{e: "proven to|results|result|effective|solution~|method~|technique~|formula~|way~|treatment~|track", s: "cite the evidence and its limits instead"},
		{e: "assured|assurance|assure~", nb: "quality|rest|be", s: "results vary between patients"},
		{e: "last~ forever|permanently"},
		{e: "last~ a lifetime"},
		{e: "last~ for life|good"},
		{e: "forever|lifelong", s: "results can last a long time, though maintenance may be needed"},
		{e: "permanent|permanently", na: "damage|scarring|scars|scar|harm|injury|loss|nerve|changes|makeup|make|resident~|residency|staff|address|teeth|markers|marker|ink|tattoo~|record~|disability|disfigurement|hair|pigment~|darkening|discolouration|discoloration|effects|mark|marks|marking|stain~|problem~|risk|dent~|pit~|change", s: "results can last a long time, though maintenance may be needed"},
		{e: "will be gone|cleared|history|vanished"},
		{e: "be a thing of the past"},
		{e: "get rid of *3 for good|forever|permanently|completely|once|entirely"},
		{e: "once and for all"},
		{e: "never *1 come|coming|return|returning|grow|recur~|reappear~"},
		{e: "confirm|confirmed|sure|surely|definitely|certainly *1 will|can|got|see|work~|one|plus|results", nb: "make|not|be|to|feel|are|if|unsure|you're|i'm|for"},
		{e: "confirm plus chop"},
		{e: "you will|you'll|will see|notice|get|achieve|enjoy|look *3 result~|difference|improvement~|change~|younger|smoother|clearer|glow~"},
		{e: "work~ on|for every|all|any *2 skin|type~|people|patient~|person|one|case~"},
		{e: "without exception|fail|failure"},
		{e: "never fail~"},
		{e: "in|after|with|from just|only one|1|a session|visit|treatment|sitting"},
		{e: "in|after|with|from a|one single session|visit|treatment|sitting"},
		{e: "glass skin"},
		{e: "absolutely|totally|completely|zero risk|risks|pain|side|downtime|scarring"},
		{e: "no|zero|nil|without any? recovery|healing time|period"},
		{e: "zero|nil risk|pain|downtime|side|scarring|recovery"},
		{e: "totally|completely|entirely|fully|100 natural|effective|reversible|painless"},
		{e: "safe for all|every|everyone|anyone"},
		{e: "results are certain|assured"},
		{e: "or your money back"},
		{e: "cure~|cured|curing", na: "time|times|rate|rates", nb: "no|not|rather|without|permanent|than|a|any"},
		{e: "reverse~|undo~|stop~|halt~ *2 ageing|aging|balding"},
		{e: "reverse~|stop~|cure~ *2 hair loss"},
		{e: "eliminate~|eradicate~|destroy~ *3 fat|cellulite|acne|scar~|wrinkle~|pigment~|melasma|pore~|line~"},
		{e: "every|each *1 patient~|client~ see~|get~|achieve~|notice~|love~"},
	},
	RuleInducement: {
		{e: "get|earn|receive $ <n> back"},
		{e: "happy hour"},
		{e: "leave~ us a review"},
		{e: "lucky draw~"},
		{e: "biggest|best|annual|mega sale"},
		{e: "half the price|price"},
		{e: "<n> x points"},
		{e: "double|triple|bonus points"},
		{e: "gift for|with every"},
		{e: "for the price of"},
		{e: "redeem~|redemption"},
		{e: "early bird|earlybird"},
		{e: "top up $|s|sgd|<n>"},
		{e: "throw~ in|thrown in"},
		{e: "add on|addon"},
		{e: "birthday treat|gift|special|month|discount~"},
		{e: "of credit|credits"},
		{e: "spend $|s|sgd"},
		{e: "receive|get|enjoy a|an *2 gift|set|voucher|hamper|bag|mask~"},
		{e: "lock in"},
		{e: "prepay|prepaid|prepayment"},
		{e: "pay for <n> *3 only|get|pay"},
		{e: "first <n> customer~|patient~|client~|caller~|booking~|sign~"},
		{e: "limited to the first"},
		{e: "payday|mid month|midmonth|month end|weekend only"},
		{e: "deal|deals|steal|bargain|bargains", nb: "great|good|can|a|to|must|will|could", na: "with|lasting|damage|a|the|out|badly|harm"},
		{e: "instalment~|installment~|interest free|0 % interest"},
		{e: "% interest"},
		{e: "pre pay|paid"},
		{e: "on us|on the house"},
		{e: "treat yourself|yourselves"},
		{e: "gift voucher~|card~|certificate~"},
		{e: "quote|mention *2 code|promo|when booking"},
		{e: "quote|mention \" *3 \""},
		{e: "rebook~|renew~ *3 receive|get|enjoy|off"},
		{e: "extra *1 session~|treatment~|area~ free|on"},
		{e: "price~|fee~|rate~ slashed|cut|reduced|drop~"},
		{e: "trial|introductory|intro|launch|opening|special|promo|promotional|timer|timers price~|rate~|fee~|package~|offer~|deal~"},
		{e: "first timer~|timers"},
		{e: "chope"},
		{e: "promo~|promotion~|offer~|deal~|sale end~|expire~|ending|valid|until|lasts", nb: "health"},
		{e: "worth $|s|sgd"},
		{e: "valued at $|s|sgd|<n>"},
		{e: "nett"},
		{e: "membership|member", nb: "faculty|board|council|family|a|an|the"},
		{e: "flash|mega|cny|christmas|raya|deepavali|birthday|anniversary|festive|holiday|weekend sale|special|specials|promo|promotion~|deal~|offer~"},
		{e: "year end sale|special|promo|promotion~|deal~|offer~"},
		{e: "national day sale|special|promo|promotion~|deal~|offer~"},
		{e: "code *1 at checkout"},
		{e: "use|apply|enter *1 code"},
		{e: "student|senior|corporate|couple|group price~|rate~|discount~|package~|special"},
		{e: "bundle~|combo~ deal~|offer~|price~|package~|saving~"},
		{e: "won't|wont last"},
		{e: "will not last"},
		{e: "only|just $|s|sgd", na: "session~|week~|month~|day~|minute~|hour~|year~|of|in|a|per|time~|patient~|area~|step~|once|few|small|mild"},
		{e: "only|just <n>", na: "session~|week~|month~|day~|minute~|hour~|year~|of|in|a|per|time~|patient~|area~|step~|once|few|small|mild|to|or|and|percent|%|mm|ml|cm|kg|units|unit|injection~|drop~|pump~|layer~|coat~|am|pm|people|out|case~|sitting~|visit~"},
		{e: "loyalty|reward~ point~|card~|programme|program"},
		{e: "the|your|a <n> free|half|off"},
		{e: "the|your 2nd|3rd|4th|5th|6th|second|third|fourth|fifth|sixth|next *2 free|half|off|discount~"},
		{e: "get|receive|enjoy|earn *2 free|complimentary|bonus|extra|credit~"},
		{e: "complimentary|free", na: "of|from|radical~|to|radicals|time|parking|wifi|wi|edge~|flowing|hand|trade|will|speech|fatty", nb: "oil|fragrance|paraben|alcohol|sulphate|sulfate|sugar|gluten|latex|pain|risk|smoke|scent|symptom|cancer|disease|hands|feel|be|to|care|duty|tax|gst|stress|worry|itch|scar|side|downtime|drug|acne|break|allergen|nicotine|set|are|is|stay|remain|toll|cut|break|broken|pulled|came|comes|come|breaks|pull|lifted|released|work|wriggle"},
		{e: "book|register|sign|reserve *2 before|by <n>|today|tonight"},
		{e: "while promo|promotion|offer|stock~"},
		{e: "$ <n> off|credit|voucher"},
		{e: "for only|just $|s|sgd"},
		{e: "don't|dont miss", na: "a|your|doses|dose|appointment~|follow|any"},
		{e: "do not miss", na: "a|your|doses|dose|appointment~|follow|any"},
		{e: "save|saving~ $|<n>|big|up"},
		{e: "session~ from|at $|only"},
	},
	RuleComparison: {
		{e: "can't|cannot get *3 from *3 over the counter|creams|salon~|spa~|home|pharmacy"},
		{e: "why risk a|an|your"},
		{e: "cheap|budget|overseas|unlicensed *2 clinic~|provider~|injector~ *4 leave|cause|botch~|complication~|infection~"},
		{e: "; here|ours"},
		{e: "not like those|other|the *2 clinic~|chain~|salon~|spa~|doctor~|provider~|profit"},
		{e: "compared with|to other"},
		{e: "where else can you"},
		{e: "skip the *1 salon~|spa~|gp~|hospital~|polyclinic~|beautician~|queue~"},
		{e: "won't|wont|will not|can't|cannot get|find *5 polyclinic~|gp~|hospital~|salon~|spa~"},
		{e: "oversell~|upsell~|push~|pressure~ *3 package~|treatment~|session~"},
		{e: "no other clinic|doctor|provider|centre|center|practice"},
		{e: "than typical|average|regular|ordinary *2 beauty|aesthetic|salon|spa|clinic~|doctor~|therapist~"},
		{e: "shops|stores|pharmacies sell~ you"},
		{e: "can't|cannot|cant|won't|will not match|compare"},
		{e: "choose quality|choose us"},
		{e: "grey market|gray market|counterfeit|knock off|knockoff"},
		{e: "are not trained|qualified|doctors *3 so come"},
		{e: "beat~ every|any quote~|price~"},
		{e: "no substitute|match|comparison for"},
		{e: "not all *1 clinic~|doctor~|injector~|lasers|treatments|providers are equal|the same|created"},
		{e: "different league|class"},
		{e: "in a league of"},
		{e: "anywhere in|else in @region|town|singapore|sg"},
		{e: "while|whereas others|other|many|most"},
		{e: "only we"},
		{e: "than the average|typical|usual"},
		{e: "skip the *3 expensive|long|hospital~|government|queue~|wait~"},
		{e: "government|public|polyclinic clinics|hospitals"},
		{e: "charge a premium"},
		{e: "trust them with"},
		{e: "are not doctors|real doctors|medical"},
		{e: "family doctor~|gp~ can't|cannot|cant|won't|doesn't|don't"},
		{e: "<n> times more|the price|as much|cheaper"},
		{e: "pointless|useless|waste compared"},
		{e: "not the *1 salon|spa|cheap|mall|beauty|online stuff|kind|type|sort|version|products"},
		{e: "queue~|wait~ *4 public hospital~|polyclinic~"},
		{e: "public hospital~|polyclinic~ *5 month~|weeks|queue~|wait~"},
		{e: "compared with|to the *3 chain~|clinic~|hospital~|salon~|spa~|gp~|polyclinic~|competition|others"},
		{e: "waste *2 money|time *3 on|at"},
		{e: "reuse~|recycle~ needles|cannulas|tips"},
		{e: "budget|cheap|big name|big-name|unlicensed *1 clinic~|salon~|chain~|provider~|injector~"},
		{e: "not medically trained|qualified"},
		{e: "but we are|do|can|will"},
		{e: "other places|clinics|providers|doctors|injectors|centres|salons"},
		{e: "why settle|go elsewhere"},
		{e: "won't|wont|can't|cant find *4 elsewhere|anywhere|at your|at other|at any|at a"},
		{e: "real doctor~|real medical|real professionals"},
		{e: "far|much longer|better|cheaper|safer than"},
		{e: "than any|a|the spa|salon|gp|hospital|clinic|beautician|facial|other"},
		{e: "diluted|watered down|fake|counterfeit|grey market|unlicensed"},
		{e: "disappointed|let down|burned|burnt by"},
		{e: "tired of|sick of *3 clinic~|doctor~|salon~|spa~|upsell~|hard sell|pushy"},
		{e: "hard sell|hard-selling|pushy sales"},
		{e: "not the inflated|overpriced|crazy|exorbitant"},
		{e: "inflated|exorbitant|crazy prices|fees|rates"},
		{e: "half|third|quarter|fraction *2 of the|what price|cost|fees|rate~|you", s: "state the fee plainly"},
		{e: "half|third|quarter|fraction the price|cost"},
		{e: "why pay *3 more|hospital|clinic|price~|prices|fees|double|extra"},
		{e: "for less|cheaper|lower", na: "than"},
		{e: "beat~|beating *2 anything|anyone|any|everyone|all|competitor~"},
		{e: "lowest|cheapest price~|rate~|fee~|priced", nb: "for"},
		{e: "lowest|cheapest in @region|town|singapore|sg"},
		{e: "prices|fees|rates are the lowest|cheapest"},
		{e: "double|twice|triple|more for the same"},
		{e: "same *1 treatment|filler|procedure|results|quality for|at less|half|lower"},
		{e: "than anywhere|elsewhere|everywhere|competitors"},
		{e: "than the rest|competition"},
		{e: "more|less|cheaper *3 for your money"},
		{e: "so called *2 @provider|experts|specialists|doctors|aesthetic~"},
		{e: "forget *2 expensive|hospital~|salon~|spa~|other|those|overpriced"},
		{e: "instead of *2 overpaying|expensive|hospital~|salon~|spa~"},
		{e: "unlike *2 @rivalkind|most|many|some|other|others|typical"},
		{e: "newer|better|safer|cheaper|stronger|faster|gentler|superior|more|less|lower|higher *4 than *3 @rivalkind|those|other|anywhere"},
		{e: "weekend|online course~"},
		{e: "only done|attended a|one *2 course~"},
		{e: "cut~|cutting corners"},
		{e: "overcharg~|overpric~|ripoff"},
		{e: "rip off"},
		{e: "hidden cost~|fee~|charge~"},
	},
	RuleTestimonial: {
		{e: "couldn't|could not believe"},
		{e: "sister|mother|daughter|friend|colleague|husband|wife saw|noticed|asked|booked"},
		{e: "is a regular at"},
		{e: "can't|cannot be wrong"},
		{e: "cried|wept with *1 relief|joy|happiness"},
		{e: "leave~ us a review"},
		{e: "first walked|came in"},
		{e: "so many|thousands of|hundreds of brides|mums|women|men|patients|couples choose~|chose|trust~ us"},
		{e: "journey|story|transformation to *3 with us"},
		{e: "describe~|described|call~ dr|him|her|us *3 as"},
		{e: "guru~|personality|artiste~|dj|djs|presenter~ *3 recommend~|trust~|love~|swear~|chose|visit~"},
		{e: "a regular since|for"},
		{e: "wouldn't|would not|won't go anywhere else"},
		{e: "hear it from *3 patient~|client~|customer~"},
		{e: "can't|cannot stop smiling"},
		{e: "<n> % of our patient~|client~|customer~"},
		{e: "'s experience|story|journey with"},
		{e: "experience with our"},
		{e: "before finding|discovering|meeting|coming to us"},
		{e: "keep~|kept telling|saying|asking us"},
		{e: "described|praised|called|named *1 by *2 patient~|client~|customer~"},
		{e: "<n> out of <n> from"},
		{e: "out of 5|five *1 from|on|by"},
		{e: "their|her|his stories|story|experience~|journey~", nb: "medical|family|full"},
		{e: "husband|wife|partner|boyfriend|girlfriend|friends|colleagues|mother|daughter|son noticed|asked|said|commented|complimented|couldn't|could|loved|loves"},
		{e: "beauty|fashion|magazine editor~ *2 swear|love|trust|recommend"},
		{e: "tell~|told us *3 best|love|loved|happy|changed"},
		{e: "<n> out of <n> *2 patient~|client~|customer~"},
		{e: "would recommend us"},
		{e: "recommend us to"},
		{e: "chose|choose~|picked our clinic|clinic"},
		{e: "one of ours"},
		{e: "our|the regulars|regular~"},
		{e: "ask any|anyone *3 of our|who"},
		{e: "recommended|loved|trusted|approved by *2 mums|mothers|brides|women|men|patients|locals|celebrit~|influencer~|expats|stars|singaporean~"},
		{e: "call~|called *1 him|her|them|us a|the"},
		{e: "miracle worker~"},
		{e: "what they said|say|think"},
		{e: "here is|here's what"},
		{e: "we asked *3 patient~|client~|customer~"},
		{e: "journey|diary|story|experience|transformation with our|at our|us"},
		{e: "<n> day|week|month journey|challenge|diary"},
		{e: "tv|radio|local|famous|well known|well-known|popular host~|presenter~|personality|personalities|star~|singer~|celebrity|artiste~|athlete~|footballer~"},
		{e: "fashion|beauty|lifestyle|food|travel|mummy blogger~|influencer~|icon~|vlogger~"},
		{e: "she|he has|had never|finally|now felt|feels|looks|goes"},
		{e: "she's|he's|she|he is *1 so happy|thrilled|delighted|one"},
		{e: "her|his confidence|life|self esteem"},
		{e: "treat~ herself|himself"},
		{e: "happy|satisfied|delighted|grateful|thrilled *1 patient~|customer~|client~|mum~|bride~"},
		{e: "influencer~|celebrit~|actress|actor~|blogger~|vlogger~|youtuber~|tiktoker~|instagrammer~|kol|kols|socialite~|mediacorp|kdrama|idol~|supermodel~|ambassador~", nb: "not|no", s: "remove the endorsement"},
		{e: "k drama|pop"},
		{e: "beauty queen~"},
		{e: "miss singapore|universe|world"},
		{e: "as featured|heard on|in|by"},
		{e: "as seen on|in tv|instagram|tiktok|media|channel|facebook|youtube|magazine~"},
		{e: "featured by|in|on"},
		{e: "endorse~|endorsed|endorsement~"},
		{e: "swear~|swore by"},
		{e: "chose|trust~|picked us"},
		{e: "story :"},
		{e: "patient story|stories|journey~|spotlight"},
		{e: "case stud~", nb: "a|published"},
		{e: "came|walked|turned to us"},
		{e: "one of our *1 patient~|client~|customer~|regular~"},
		{e: "keep~|kept coming back|returning|bringing|referring"},
		{e: "bring~|brought|refer~|referred *1 their|her|his friends|family|sisters|colleagues"},
		{e: "regular patient~|client~|customer~|clientele"},
		{e: "regular~ include~"},
		{e: "review~ speak~|say~"},
		{e: "speak for themselves|itself"},
		{e: "star~ review~|rating~"},
		{e: "rated <n>"},
		{e: "described|calls|called|describes *3 the treatment|it|us|her|his|experience as"},
		{e: "told|tells us|me"},
		{e: "feel~|felt like herself|himself|myself"},
		{e: "feel~|felt like a new"},
		{e: "i|i'm|i've wish|love|loved|feel|felt|look|looked|finally|was|had|have|would|will|never|always|highly|definitely|totally|cannot|can't|couldn't|am|can|went|came|got|tried"},
		{e: "discovered our|the secret"},
	},
	RuleBeforeAfter: {
		{e: "see|view|browse|visit our *1 gallery|album|portfolio|lookbook"},
		{e: "face|cheeks|jawline|neck|skin|lips|nose|forehead|chin|scalp|hairline , <n> @timeunit after|post|later"},
		{e: "see how *4 his|her|their *3 looks|look|looked after|now"},
		{e: "his|her|their *2 at <n> @timeunit"},
		{e: "above : *10 below :"},
		{e: "after <n> session~|sessions|rounds|treatments of"},
		{e: "client~|patient~ results are posted|shared|shown|on"},
		{e: "pictured|result|results|shown :"},
		{e: "take a peek|look *2 at *2 result~|transformation~|difference|changes"},
		{e: "look at the difference"},
		{e: "the changes in her|his|their"},
		{e: "difference *4 made for"},
		{e: "<n> @timeunit into *1 our|the|her|his"},
		{e: "compared with|to day|week|month|session <n>|one|zero"},
		{e: "photographed|pictured|taken|filmed at|after *2 <n>"},
		{e: "the one on the right|left"},
		{e: "on the left|right *6 taken|shows|was|after|before"},
		{e: "before : *6 after :"},
		{e: "real|actual *1 client~|patient~|customer~ result~|photos|pictures"},
		{e: "results of a|an|our *4 patient~|client~"},
		{e: "comparison shots|photos|pictures|images"},
		{e: "reveal the *1 result~|difference|change"},
		{e: "week|month|day <n> of our|the|her|his"},
		{e: "first consultation|visit|session *3 and *4 later|after|today|now"},
		{e: "slider|swipe"},
		{e: "image|photo|picture|caption|figure|fig : *8 after|later|before|improvement|result~|week~|month~"},
		{e: "top|bottom|left|right photo|picture|image|one|side"},
		{e: "apart :"},
		{e: "start of her|his|their journey"},
		{e: "side by side"},
		{e: "see the results"},
		{e: "before and|& afters"},
		{e: "results shown|pictured|displayed"},
		{e: "result~ *2 patient~ *2 achieved|get|got|had"},
		{e: "immediately|right|straight|shortly after treatment|the treatment|injection|filler~"},
		{e: "highlights for"},
		{e: "patient~ *1 result~|transformation~|photo~|picture~"},
		{e: "result~|photos|pictures from|of *3 patient~"},
		{e: "left|right side *8 treated|untreated|difference|after|before"},
		{e: "time lapse|timelapse|time-lapse"},
		{e: "difference is *1 clear|obvious|visible|dramatic|striking|remarkable|plain"},
		{e: "after her|his *1 first|second|third|fourth|fifth|sixth|last|final|<n>"},
		{e: "her|his|their|patient's *2 @skinprob|jawline|nose|chin|lips|cheeks|forehead|scalp|neck|complexion|eyebags *2 gone|fade~|faded|disappear~|vanish~|improved|cleared after|over|in"},
		{e: "before and|& <n> @timeunit|session~|treatment~ after"},
		{e: "at month|week|day|session <n>"},
		{e: "first visit *6 after|again|later|now|today"},
		{e: "figure|fig|photo|image|picture <n>"},
		{e: "second|first|two|both|these photo~|picture~|image~|shot~"},
		{e: "compare *3 photo~|picture~|image~|result~|shot~"},
		{e: "portfolio|portfolios|lookbook"},
		{e: "progress photo~|picture~|pic~|shot~|images"},
		{e: "pre treatment|procedure|op|laser|session vs|versus|/|and|& post"},
		{e: "judge for yourself|yourselves"},
		{e: "as the *2 photo~|picture~|image~ show~"},
		{e: "in the|this|these photo~|picture~|image~|video~"},
		{e: "@skinprob|jawline|nose|chin|lips|cheeks|forehead|scalp|neck|complexion|skin|face after *1 <n>|one|the|his|her|a *2 session~|syringe~|treatment~|round~|transplant|filler~|peel|laser|botox|procedure|visit~", nb: "your|you|my|the|of|for|protect|caring|care"},
		{e: "<n> @timeunit on"},
		{e: "before and|&|/|vs|versus|to after", na: "sun|exposure|meals|meal|swimming|exercise|applying|use|using|each|every|shaving|bathing|showering|eating|work|school|bed|sleep|washing|the|your|sessions|treatment|surgery|procedures"},
		{e: "before ( *1 ) and|& after"},
		{e: "pre and|&|/|vs post", nb: "the"},
		{e: "b / a"},
		{e: "ba photo~|pic~|picture~|image~|shot~"},
		{e: "( left|right )"},
		{e: "left|right : *2 day|week|month|before|after|pre|post|session"},
		{e: "week|day|month|session <n> and|to|vs|versus|& week|day|month|session <n>"},
		{e: "week|day|month <n> vs|versus"},
		{e: "results|result|photo~|transformation~|before page|album|gallery|galleries|section|wall"},
		{e: "transformations"},
		{e: "transformation gallery|photo~|stor~|video~|pic~|reel~"},
		{e: "see|notice|spot|check *2 the difference", s: "describe the typical outcome instead"},
		{e: "swipe~|scroll *3 see|difference|result~|after|transformation~"},
		{e: "real results"},
		{e: "untouched|unedited|unretouched|unfiltered photo~|image~|picture~|results|pic~"},
		{e: "no|without filter~|filters|photoshop|editing|retouching"},
		{e: "@pic *5 after|later|post|result~|transformation~|difference", nb: "take|taking|keep|keeping|track|of|your|a"},
		{e: "looked|became|appeared *4 <n> @timeunit after|later|post"},
		{e: "his|her|their *4 <n> @timeunit after|later|post"},
		{e: "shows|showed|show|showing|pictured|taken|see *4 <n> @timeunit after|later|post|into"},
		{e: "pictured|taken *4 after|post|later"},
		{e: "shows|showing the same patient|person|skin|area|face"},
		{e: "patient's *2 skin|face|jawline|nose|scar~|result~|forehead|cheek~|neck|lips *4 after|later|post|<n>"},
		{e: "how *3 looked|became *3 after|later|post"},
	},
	RuleUnverifiedCredential: {
		{e: "top rated|ranked *1 injector~|doctor~|surgeon~|dermatologist~", m: credBody},
		{e: "rejuvenation|renewal|glow|brightening|whitening specialist~", nb: "see|consult|your|any|visit", block: true, m: credTitle, s: credTitleFix},
		{e: "top <n> certified|accredited|qualified|trained", m: credBody},
		{e: "reduction|sculpting|contouring|tightening specialist~", nb: "see|consult|your|any|visit", block: true, m: credTitle, s: credTitleFix},
		{e: "moh registered|licensed|approved aesthetic~|therapist~|injector~|practitioner~|doctor~|beautician~", block: true, m: credMOH, s: credMOHFix},
		{e: "removal|lift|lifting|laser specialist~", nb: "see|consult|your|any|visit", block: true, m: credTitle, s: credTitleFix},
		{e: "honed|sharpened|perfected|refined *2 skill~|craft|technique~ *3 top|famous|prestigious|beverly|harley|gangnam|seoul|paris|london|world", m: credTrain, s: credTrainFix},
		{e: "moh approved|endorsed", block: true, m: credMOH, s: credMOHFix},
		{e: "anti ageing|aging physician~|doctor~|medicine", block: true, m: credTitle, s: credTitleFix},
		{e: "revision|reconstruction specialist~", block: true, m: credTitle, s: credTitleFix},
		{e: "international|global|world class standards", m: credBody},
		{e: "accreditation~|certification~|diploma~|certificate~ from|by *3 leading|top|international|global|aesthetic|prestigious|bodies", m: credBody},
		{e: "recognised|recognized|acclaimed|renowned|known|certified|trained internationally|globally|worldwide|abroad|overseas", m: credBody},
		{e: "studied|learned|learnt|apprenticed|mentored|trained under|with|by *2 legendary|famous|famed|world|renowned|top|celebrity|master|leading|pioneering", m: credTrain, s: credTrainFix},
		{e: "legendary|world famous|world-famous|famed *1 surgeon~|doctor~|dermatologist~|mentor~|teacher~", m: credTrain, s: credTrainFix},
		{e: "certified|accredited|qualified master|expert|specialist|guru", m: credBody},
		{e: "top|prestigious|famous|leading|elite|renowned *1 beauty|aesthetic|medical|cosmetic academy|academies|school|schools|universities|institutes", m: credTrain, s: credTrainFix},
		{e: "wrinkle|wrinkles|pigment|pore|pores|ageing|aging|thread|lift|contour|slimming|body|injectable~|injection~ specialist~|expert~", nb: "see|consult|your|any|visit", block: true, m: credTitle, s: credTitleFix},
		{e: "resident *2 specialist~|expert~|guru~", m: credTitle, s: credTitleFix},
		{e: "platinum|diamond|gold|elite|master|black|premier|certified|official|accredited|expert injector~|trainer~|partner~|provider~|clinic~|member~", nb: "a|any", m: credBody},
		{e: "highest|top|advanced|elite|expert level|grade|tier of *1 certification~|training|accreditation~"},
		{e: "trained by|under *2 dr|prof|world|famous|renowned|leading|top|celebrity", m: credTrain, s: credTrainFix},
		{e: "harvard|stanford|oxford|cambridge|yale|ivy|london|paris|korea|korean|seoul|gangnam|japan|us|usa|american|european|swiss|overseas|internationally trained|educated|certified|qualified", m: credTrain, s: credTrainFix},
		{e: "centre|center~|clinic of excellence", m: credBody},
		{e: "accredited|certified|recognised|recognized|appointed *3 by|as *3 brand|manufacturer|company|maker|leading|major|global", m: credBody},
		{e: "title of", m: credBody},
		{e: "aesthetic|cosmetic|beauty|laser|anti ageing|aging society|societies|academy|academies|association~|institute~|college|board|council|federation|congress", m: credBody},
		{e: "honorary|honourary|distinguished|esteemed|elite *1 member~|fellow~|title~", m: credBody},
		{e: "moh accredited|certified|approved|endorsed|recognised|recognized|accreditation|certification *2 @staff|aesthetic~|doctor~|physician~|practitioner~", block: true, m: credMOH, s: credMOHFix},
		{e: "moh accredited|certified|accreditation|certification", block: true, m: credMOH, s: credMOHFix},
		{e: "ministry of health accredited|certified|accreditation|certification", block: true, m: credMOH, s: credMOHFix},
		{e: "@staff *5 accredited|certified|approved|endorsed|recognised|recognized by|with moh|ministry", block: true, m: credMOH, s: credMOHFix},
		{e: "accredited|certified by|with the? moh|ministry", block: true, m: credMOH, s: credMOHFix},
		{e: "aesthetic~|skin|ageing|aging|antiageing|beauty|cosmetic|laser|lasers|botox|filler~|slimming|wellness|facial|acne|pigmentation|scar|scars|contouring specialist~", nb: "see|consult|your|any|visit", block: true, m: credTitle, s: credTitleFix},
		{e: "hair restoration|transplant|loss specialist~|surgeon~", block: true, m: credTitle, s: credTitleFix},
		{e: "cosmetic|aesthetic dermatologist~|surgeon~", block: true, m: credTitle, s: credTitleFix},
		{e: "specialist in aesthetic~|cosmetic|beauty|ageing|aging|antiageing|anti|lasers|fillers|botox", block: true, m: credTitle, s: credTitleFix},
		{e: "aesthetic~|skin|beauty|cosmetic|laser|botox|filler~|hair|acne|ageing expert~", m: credBody},
		{e: "certified|certificated|accredited|qualified *3 @staff|aesthetic~|injector~|trainer~|provider~|user~|practitioner~|expert~|physician~", nb: "a|your|another", m: credBody},
		{e: "@staff *3 are|is fully? certified|accredited", m: credBody},
		{e: "certification~|accreditation~|credential~|diploma~|fellowship~|membership~|certificate~ *3 internationally|international|global|world|recognised|recognized|prestigious", m: credBody},
		{e: "internationally|globally|world|universally recognised|recognized|accredited|certified|acclaimed|trained|renowned", m: credBody},
		{e: "international|global|world *3 academy|board|council|society|association|institute|college|federation|certification~|accreditation~", m: credBody},
		{e: "fellow|member|diplomate|fellowship of", m: credBody},
		{e: "certified|accredited|awarded|recognised|recognized by", m: credBody},
		{e: "trained|training|studied|graduated|educated|apprenticed *4 harvard|stanford|oxford|cambridge|yale|johns|mayo|ivy|prestigious|top|famous|renowned|elite|leading|best|paris|korea|korean|seoul|gangnam|london|usa|america|european|europe|japan|abroad|overseas|famed|celebrity|celebrated|inventor|pioneer~|masters", m: credTrain, s: credTrainFix},
		{e: "advanced training|certification~|course~|courses|diploma~", m: credTrain, s: credTrainFix},
		{e: "top of *1 class|cohort|batch", m: credTrain, s: credTrainFix},
		{e: "prestigious|renowned|famous|elite", m: credTrain, s: credTrainFix},
		{e: "recognised|recognized|renowned|leading|acknowledged|respected|celebrity|top|expert|master expert~|authority|authorities|specialist~|injector~|trainer~", m: credBody},
		{e: "key opinion leader~", m: credBody},
		{e: "kol|kols|trainer~|speaker~", m: credBody},
		{e: "master injector~", m: credBody},
		{e: "faculty member~", m: credBody},
		{e: "trains|train|training|teaches|teach other|fellow doctors|surgeons|injectors", m: credBody},
		{e: "board certified", m: credBody},
		{e: "double|triple board", m: credBody},
		{e: "award~ *2 winning|winner~|recipient", m: credBody},
		{e: "multiple|several|numerous|many *2 certification~|accreditation~|award~|qualification~|credential~", m: credBody},
	},
	RuleFear: {
		{e: "seen in public|outside with"},
		{e: "year|month|day of delay"},
		{e: "the longer you *3 the more|worse|harder"},
		{e: "be the only *2 bald|fat|old|single|one|person|guy|girl|woman|man"},
		{e: "add~ *2 years"},
		{e: "comparing you with|to"},
		{e: "at your own risk|peril"},
		{e: "faster|quicker|worse than your *1 friends|peers|colleagues|sister~|classmates"},
		{e: "each|every month|year|week|day you delay|wait|leave"},
		{e: "leave you bald|wrinkled|scarred|saggy|disfigured"},
		{e: "do you want your *3 to see you"},
		{e: "goes|go~|get~ deeper|darker|worse and"},
		{e: "seen as less|more|too *1 attractive|desirable|professional|capable|old"},
		{e: "calling you *1 auntie|aunty|uncle|old|fat|grandma"},
		{e: "doesn't|does not have to mean looking it"},
		{e: "notices|noticed|notice|sees|stares at your *1 wrinkles|eyebags|bags|scars|pores|pimples|acne|skin|belly|fat|chin|hair|spots|pigmentation"},
		{e: "make|makes|making you look *2 tired|old|older|angry|sad|sick|exhausted|grumpy|fat"},
		{e: "can't|cannot|cant hide *2 from|forever"},
		{e: "holding|hold~|held you back"},
		{e: "everyone|everybody|people *3 can see|can tell|will see|will notice|will assume"},
		{e: "will only deepen|worsen|grow|spread|get"},
		{e: "on a date|first date|your date"},
		{e: "looking like that|this"},
		{e: "none of it good"},
		{e: "say~|says a lot about you"},
		{e: "you'll|will be covering|hiding *3 forever|always|for years"},
		{e: "destroy~|shatter~|crush~ *3 self esteem|confidence|self-esteem"},
		{e: "self esteem|self-esteem|self image"},
		{e: "wedding|holiday|graduation|reunion photos|pictures *1 ruined|spoiled"},
		{e: "clock is ticking|ticking clock|running out of time"},
		{e: "is no fun"},
		{e: "a sign *2 let|given|neglected|careless|lazy"},
		{e: "let your *1 skin|face|body|self|looks go"},
		{e: "never get *3 back"},
		{e: "don't|dont|do not let *5 notice~|notices|see|sees|judge~|be the first"},
		{e: "ruin~|ruining|wreck~|sabotage~ *4 dates|dating|careers|career|handshakes|relationships|marriage|chances|photos|holiday|wedding"},
		{e: "past your prime"},
		{e: "owe it to"},
		{e: "recognise|recognize yourself"},
		{e: "turn off|turnoff"},
		{e: "known as the *2 one|girl|guy|woman|man"},
		{e: "the one with the"},
		{e: "delete *3 because"},
		{e: "because of your *1 chin|skin|acne|face|nose|hair|wrinkles|scars|weight|pores"},
		{e: "ages|aging|ageing you *1 faster|quickly|more"},
		{e: "neglected|neglect~ skin|face|hair"},
		{e: "retreating|receding *4 every|more|further"},
		{e: "a little more every"},
		{e: "the longer you wait"},
		{e: "costlier|pricier|more expensive *3 it gets|later|to fix"},
		{e: "whether you like it or not"},
		{e: "stop letting *3 decide|ruin|control|define|rule"},
		{e: "decide whether you"},
		{e: "afraid|scared|terrified *3 to be seen|to go out|of being seen"},
		{e: "do you really want *3 known|seen|remembered|look|be"},
		{e: "wrong message|impression|signal"},
		{e: "sending|send~|giving the|a *1 message|impression|signal"},
		{e: "will|'ll spread|darken|worsen|deepen|sag|thin|multiply *3 year|month|every|and|further|worse"},
		{e: "year after year|month after month|day after day"},
		{e: "aunties|aunty|auntie|relatives|family|in-laws|laws|neighbours|neighbors|colleagues|friends *5 comment~|remark~|judge~|notice~|talk~|ask~"},
		{e: "comment~|remark~ on your"},
		{e: "take you seriously"},
		{e: "time is not on your side"},
		{e: "relentless|unforgiving|cruel|merciless"},
		{e: "becomes|become|turn~ into a|an *1 deep|permanent|deeper|bigger|worse"},
		{e: "face full of"},
		{e: "before their|your time"},
		{e: "look weak|old|older|tired|sad|angry|grumpy|unapproachable|unkempt|sloppy"},
		{e: "dating|love|social|sex|married|marriage|relationship|career life|prospects|chances *2 over|ruined|finished|doomed|suffer~|dead"},
		{e: "cost~ you *3 confidence|relationship~|job~|partner~|marriage|friends|career~|promotion"},
		{e: "follow~ you for|forever|everywhere"},
		{e: "rest of your life"},
		{e: "give~|giving away your *1 age"},
		{e: "true|real age"},
		{e: "given up on yourself"},
		{e: "let yourself go"},
		{e: "remember you with|as"},
		{e: "would you really want|like"},
		{e: "nothing is more|more unattractive|ugly|off putting|embarrassing"},
		{e: "more unattractive|embarrassing|off putting|offputting"},
		{e: "humiliation|humiliating|humiliated|embarrassment|mortifying|shameful|shame"},
		{e: "being asked if|whether you're|you are"},
		{e: "afford to take *1 chance|risk"},
		{e: "take the|that chance|risk", nb: "not"},
		{e: "nothing left to save|to treat"},
		{e: "keep ignoring|ignore~ *3 there|it|they|will"},
		{e: "looking|look old|older|tired|haggard is"},
		{e: "make *1 the wrong choice|one|decision"},
		{e: "bald|balding|fat|old|wrinkly|spotty|pimply at <n>"},
		{e: "already over"},
		{e: "too late", nb: "never|not|isn't"},
		{e: "lost cause"},
		{e: "don't|dont|do not let your *2 give|ruin|betray|define|show|tell|embarrass"},
		{e: "greasy|oily|shiny|saggy|droopy|sagging|flabby|wrinkly *2 t zone|face|skin|jowls|chin|arms|belly|tummy"},
		{e: "dark underarm~|armpit~"},
		{e: "can you afford"},
		{e: "@audience *4 judge~|stare~|staring|laugh~|talk~|whisper~|gossip~|mock~|tease~|teasing", neg: true, s: "explain the condition without social pressure"},
		{e: "@audience *4 notice~|noticed|spot|spots|see|sees your|you|how", neg: true, s: "explain the condition without social pressure"},
		{e: "what will|would|do|does *3 think", s: "explain the condition without social pressure"},
		{e: "judge~|judged|judging *3 you|your|by", neg: true, s: "explain the condition without social pressure"},
		{e: "make~|making|look|looks|looking|appear~|seem~ *3 @agewords", nb: "not|no", s: "explain the condition without shaming"},
		{e: "seen|come across as *2 @agewords", s: "explain the condition without shaming"},
		{e: "@agewords *3 you look|looked|appear"},
		{e: "@agewords than you are|really"},
		{e: "@agewords than your age"},
		{e: "years older"},
		{e: "older than you|your"},
		{e: "ashamed|shame|shameful|humiliat~|insecure|embarrass~|mortified|disgust~|gross|ugly|unsightly|unattractive|unflattering|undesirable", nb: "no|not", s: "explain the condition without shaming"},
		{e: "self conscious"},
		{e: "stop being|hiding|feeling|covering|suffering|living", neg: true},
		{e: "hiding|hide *3 behind|under|away|from"},
		{e: "hiding|hide *2 your|her|his|their @skinprob|face"},
		{e: "cover~ up *2 your|acne|scars|spots|pimples"},
		{e: "no way to live"},
		{e: "don't|dont be the *3 one|girl|guy|person|only", neg: true},
		{e: "do not be the *3 one|girl|guy|person|only", neg: true},
		{e: "don't|dont be embarrass~|ashamed|caught|left", neg: true},
		{e: "do not be embarrass~|ashamed|caught|left", neg: true},
		{e: "nobody wants|likes|dates"},
		{e: "no one wants|likes|dates"},
		{e: "deserve~ better than"},
		{e: "tells|tell the world|everyone|people"},
		{e: "irreversible|irreparable|catastroph~|disaster~|nightmare~", nb: "not|no|rarely", s: "explain when to see a doctor, calmly and factually"},
		{e: "impossible to fix|reverse|undo"},
		{e: "only get~ worse|harder|deeper"},
		{e: "spread~|dig~|deepen~|worsen~ *2 further|deeper|every|each"},
		{e: "every day|year|month|week you *2 wait|delay|put|leave|ignore"},
		{e: "put|putting it off"},
		{e: "wait too long"},
		{e: "wait any longer"},
		{e: "turn into *3 worse|dangerous"},
		{e: "secretly *3 talk~|judg~|laugh~|look~|notic~|think~"},
		{e: "behind your back"},
		{e: "act before"},
		{e: "before it~|they|the *3 become~|get~|turn~|spread~ permanent|worse|serious"},
		{e: "could|may|might be a *1 fatal|costly|serious|big|huge mistake"},
		{e: "damage will|could|may be|become permanent|irreversible"},
		{e: "your *1 wrinkles|eyebags|bags|scars|pores|pimples|acne|skin|face|hair|belly|fat|chin|bald~ *3 make|makes|making|ruin~|betray~|embarrass~|tell~"},
	},
}

const (
	credMOH = "MOH-accredited or MOH-certified doctors is a false credential: the Ministry of Health licenses clinics (Healthcare Services Act), " +
		"and doctors are registered by the Singapore Medical Council; MOH does not accredit or certify individual doctors or aesthetic practice."
	credMOHFix   = "say \"registered with the Singapore Medical Council\" and, for the clinic, \"licensed by MOH\""
	credTitle    = "Title that is not a recognised specialty: only doctors on the SMC Register of Specialists may be called specialists, and there is no registered specialty of aesthetic, cosmetic, skin, laser or anti-ageing medicine."
	credTitleFix = "state the registered qualification (e.g. \"Dr Tan, MBBS, GDFM\") or the specialty on the SMC Register of Specialists"
	credBody     = "Credential claim that readers cannot verify: the SMC Ethical Guidelines allow only qualifications, certifications and memberships from recognised bodies, named so that readers can check them."
	credTrain    = "Prestige-of-training claim: where or under whom a doctor trained is not a verifiable qualification and implies superiority (SMC Ethical Guidelines: no laudatory statements)."
	credTrainFix = "state the qualification and the awarding institution (e.g. \"MRCP (UK)\")"
)

// recognisedBodies are statutory registers and bodies whose qualifications
// or accreditation the SMC recognises; a credential finding of severity warn
// is dropped when its sentence names one of them.
var recognisedBodies = [][]string{
	{"singapore", "medical", "council"}, {"smc"}, {"specialists", "accreditation", "board"}, {"sab"},
	{"singapore", "nursing", "board"}, {"snb"}, {"health", "sciences", "authority"}, {"hsa"},
	{"academy", "of", "medicine", "singapore"}, {"ams"}, {"college", "of", "family", "physicians"},
	{"national", "skin", "centre"}, {"nsc"}, {"nus"}, {"ntu"}, {"duke", "nus"}, {"national", "university"},
	{"royal", "college"}, {"royal", "australasian"}, {"mrcp"}, {"frcs"}, {"mmed"}, {"gdfm"}, {"gdfd"},
	{"dermatological", "society", "of", "singapore"}, {"american", "board", "of", "dermatology"},
	{"american", "academy", "of", "dermatology"}, {"joint", "commission"}, {"jci"}, {"register", "of", "specialists"},
	{"singapore", "dental", "council"}, {"cardiff", "university"}, {"university", "of"},
}

// names reports whether the sentence toks[lo:hi] contains a recognised body.
func namesRecognisedBody(toks []token, lo, hi int) bool {
	for k := lo; k < hi; k++ {
		if toks[k].kind != kWord {
			continue
		}
	next:
		for _, b := range recognisedBodies {
			if toks[k].text != b[0] {
				continue
			}
			m := k
			for _, w := range b {
				for m < hi && toks[m].kind != kWord {
					m++
				}
				if m >= hi || toks[m].text != w {
					continue next
				}
				m++
			}
			return true
		}
	}
	return false
}

// metaWords mark a sentence about advertising claims or the rules rather
// than a claim: "the regulations prohibit ...", "be wary of clinics that
// promise ...", "claims like ... deserve scrutiny".
var metaWords = setOf("regulation regulations prohibit prohibits prohibited prohibiting forbid forbids forbidden banned disallow disallows disallowed wary cautious caution sceptical skeptical scrutiny scrutinise scrutinize advertising advertisement advertisements advertise advertises ads misleading exaggerated unrealistic untrue myth myths red-flag suspicious")

// metaPairs are two-word meta cues.
var metaPairs = [][2]string{{"words", "like"}, {"words", "such"}, {"claims", "like"}, {"claims", "of"}, {"claims", "such"}, {"terms", "like"}, {"terms", "such"}, {"phrases", "like"}, {"phrases", "such"}, {"red", "flag"}, {"red", "flags"}, {"nobody", "can"}, {"no", "treatment"}, {"no", "doctor"}, {"no", "clinic"}, {"may", "not"}, {"must", "not"}, {"not", "allowed"}, {"not", "permitted"}, {"cannot", "promise"}, {"can't", "promise"}, {"do", "not"}, {"does", "not"}}

// sentenceBounds returns the sentence around toks[i:j], split at ". ! ? ;"
// and block breaks, and at "but".
func sentenceBounds(toks []token, i, j int) (int, int) {
	lo := i
	for lo > 0 && !isSentenceBoundary(&toks[lo-1]) && toks[lo-1].text != "but" {
		lo--
	}
	hi := j
	for hi < len(toks) && !isSentenceBoundary(&toks[hi]) && toks[hi].text != "but" {
		hi++
	}
	return lo, hi
}

// metaSentence reports whether toks[lo:hi] talks about claims instead of
// making one.
func metaSentence(toks []token, lo, hi int) bool {
	for k := lo; k < hi; k++ {
		t := &toks[k]
		if t.kind != kWord {
			continue
		}
		if inSet(fMeta, t) {
			return true
		}
		if k+1 < hi && inSet(fMetaFirst, t) {
			n := toks[k+1].text
			for _, p := range metaPairs {
				if t.text == p[0] && n == p[1] {
					// "do not" / "must not" only count before a verb of claiming or offering
					if p[1] == "not" {
						if k+2 < hi && inSet(fClaimVerb, &toks[k+2]) {
							return true
						}
						continue
					}
					return true
				}
			}
		}
	}
	return false
}

var claimVerbs = setOf("compare compares mention do have run sell offer offers use say claim claims promise promises advertise allow permit publish guarantee give provide sell run display show call describe make")

// interrogatives start a reader's question.
var interrogatives = setOf("is are can could will would does do did should how what which when why who where am may")

// questionSentence reports whether the sentence toks[lo:hi] is a question
// opened by an interrogative word: "Is the laser painless?".
func questionSentence(toks []token, lo, hi int) bool {
	if hi >= len(toks) || toks[hi].text != "?" {
		return false
	}
	first := true
	for k := lo; k < hi; k++ {
		if toks[k].kind != kWord {
			continue
		}
		// the opening word, or a capitalised one: a quoted question title
		// ("... about Are large pores permanent?")
		if (first || toks[k].cap) && interrogatives[toks[k].text] {
			return true
		}
		first = false
	}
	return false
}

var streetWords = setOf("road rd street st avenue ave way drive dr lane crescent rise walk place close link boulevard terrace circle park hill view centre center plaza tower towers building mall point square court grove estate")

// inProperName reports a match that is part of a name: a capitalised match
// followed by a street word ("1 Guarantee Road", "Perfect Avenue") or inside
// a run of capitalised words ("Health Promotion Board").
func inProperName(toks []token, i, j int) bool {
	if !toks[i].cap || j-i > 2 {
		return false
	}
	if j < len(toks) && toks[j].kind == kWord && toks[j].cap && streetWords[toks[j].text] {
		return true
	}
	prevCap := i > 0 && toks[i-1].kind == kWord && toks[i-1].cap && !sentenceStart(toks, i-1)
	nextCap := j < len(toks) && toks[j].kind == kWord && toks[j].cap
	return prevCap && nextCap
}

func sentenceStart(toks []token, k int) bool {
	return k == 0 || isSentenceBoundary(&toks[k-1]) || toks[k-1].text == "\""
}

// hedges weaken a certainty claim: "may last for years", "can help reduce".
var hedges = setOf("may might could can usually typically often generally probably possibly likely some most many help helps aim aims designed intended")

var certaintyRules = map[string]bool{RuleGuarantee: true}

// listNegated extends negation over a list: "we do not offer discounts,
// packages or free consultations", "no pain, no risk and no downtime" each
// item is in scope of a negator that reaches lists ("no", "without",
// "never", or not/n't directly before a verb of offering).
func listNegated(toks []token, i int) bool {
	crossed := false
	for k, n := i-1, 0; k >= 0 && n < 16; k-- {
		t := &toks[k]
		if t.kind == kBreak || t.kind == kPunct && t.text != "," && t.text != "/" {
			return false
		}
		if t.kind == kPunct {
			crossed = true
			continue
		}
		n++
		switch t.text {
		case "or", "and", "nor":
			crossed = true
			continue
		case "but", "however", "although", "though", "yet", "because", "so", "while", "unlike":
			return false
		case "no", "without", "never", "neither", "none", "nobody", "nothing":
			return crossed
		}
		if t.text == "not" || strings.HasSuffix(t.text, "n't") || t.text == "cannot" || inSet(fNegator, t) && t.text != "few" {
			if k+1 < len(toks) && (inSet(fClaimVerb, &toks[k+1]) || k+2 < len(toks) && inSet(fClaimVerb, &toks[k+2])) {
				return crossed
			}
			return false
		}
	}
	return false
}

// Sentence constructions that patterns cannot express: who is speaking, and
// which other providers a sentence sets the clinic against.

var (
	conTestimonial = &pattern{expr: "<name>, <age> / <name> says / \"...\" <name>"}
	conComparison  = &pattern{expr: "<other provider> ... <contrast or disparagement>"}
)

var speechVerbs = setOf("says said smiles smiled shares shared recalls recalled adds added laughs laughed beams beamed gushes gushed tells told admits admitted raves raved explains explained writes wrote swears")
var notPersons = setOf("dr doctor prof professor nurse the a an our your this that who moh smc hsa hpb nhs cdc fda nih it we they you i he she there")
var rivalWords = setOf("salon salons spa spas beautician beauticians gp gps polyclinic polyclinics hospital hospitals chain chains mall malls diy korea jb bangkok beauty-salon parlour parlours elsewhere competitor competitors")
var rivalQuant = setOf("overseas family public some many most other those big cheap cheaper typical regular ordinary neighbourhood neighborhood budget unlicensed unqualified name")
var rivalNouns = setOf("clinic clinics injector injectors doctor doctors place places provider providers practitioner practitioners aesthetician aestheticians centre centres center centers device devices kit kits dermatologist dermatologists surgeon surgeons")
var rivalCues = setOf("complications rarely pointless times queue stuff reuse reuses burns burn waste compared never unlike instead than ours cheaper weak weaker untrained unqualified inexperienced rush rushes rushed diluted inflated overpriced damage damages disappointed disappointing settle upsell upsells overcharge overcharges hire hires fake outdated cheap expensive pricier dodgy shoddy botched sloppy careless extra")

func isAcronym(s string, t *token) bool {
	if t.end-t.start < 2 {
		return false
	}
	c := s[t.start+1]
	return c >= 'A' && c <= 'Z'
}

// constructionHits adds the sentence constructions' raw hits.
func constructionHits(s string, toks []token, on []bool, out []hit) []hit {
	if on[ruleByID[RuleTestimonial].idx] {
		out = testimonialHits(s, toks, out)
	}
	if on[ruleByID[RuleComparison].idx] {
		out = comparisonHits(toks, out)
	}
	return out
}

func isPersonName(s string, toks []token, k int) bool {
	t := &toks[k]
	if t.kind != kWord || !t.cap || inSet(fNotPerson, t) || isAcronym(s, t) || isNumberTok(t) {
		return false
	}
	if k > 0 && toks[k-1].kind == kWord && (toks[k-1].text == "dr" || toks[k-1].text == "prof" || toks[k-1].text == "doctor") {
		return false
	}
	return true
}

func testimonialHits(s string, toks []token, out []hit) []hit {
	for k := range toks {
		t := &toks[k]
		// "Sarah, 34," / "Mdm Siti, 52"
		if isPersonName(s, toks, k) && k+2 < len(toks) && toks[k+1].text == "," && toks[k+2].kind == kWord && isAge(toks[k+2].text) &&
			(k+3 == len(toks) || toks[k+3].kind != kWord) {
			out = append(out, hit{conTestimonial, k, k + 3})
			continue
		}
		// "Farid's story", "Rina's eczema"
		if t.kind == kWord && t.cap && strings.HasSuffix(t.text, "'s") && !inSet(fNotPerson, t) && k+1 < len(toks) && storyWords[toks[k+1].text] && !hasDoctor(toks, k) &&
			(k+2 >= len(toks) || !pageWords[toks[k+2].text]) {
			out = append(out, hit{conTestimonial, k, k + 2})
			continue
		}
		// "Emily, a bride from Sengkang", "Jason, a 28-year-old engineer"
		if k == 0 || sentenceStart(toks, k) {
			if isPersonName(s, toks, k) && k+2 < len(toks) && toks[k+1].text == "," && (toks[k+2].text == "a" || toks[k+2].text == "an" || toks[k+2].text == "our") {
				out = append(out, hit{conTestimonial, k, k + 3})
				continue
			}
		}
		// "says Sarah", "Aaron ... says", "she says"
		if t.kind == kWord && inSet(fSpeech, t) {
			for d := -3; d <= 2; d++ {
				m := k + d
				if d == 0 || m < 0 || m >= len(toks) {
					continue
				}
				if isPersonName(s, toks, m) || toks[m].text == "she" || toks[m].text == "he" {
					if hasDoctor(toks, k) {
						break
					}
					quoted := sentenceQuoted(toks, k)
					if !quoted && (weakSpeech[t.text] || sentenceStart(toks, m) && d != -1 && d != 1) {
						break // "Large pores explained": a heading, not a speaker
					}
					lo, hi := min(k, m), max(k, m)+1
					out = append(out, hit{conTestimonial, lo, hi})
					break
				}
			}
			continue
		}
		// `"..." – Priya, Tampines` and `"..." – a happy patient`
		if t.kind == kPunct && t.text == "\"" && !t.quoted && k > 1 && toks[k-1].quoted && k+1 < len(toks) {
			n := k + 1
			if toks[n].kind == kWord && (isPersonName(s, toks, n) || toks[n].text == "a" || toks[n].text == "one") {
				e := n + 1
				for e < len(toks) && e < n+4 && toks[e].kind == kWord {
					e++
				}
				if isPersonName(s, toks, n) || containsWord(toks, n, e, "patient", "client", "customer", "mum", "bride", "mother", "father") {
					out = append(out, hit{conTestimonial, n, e})
				}
			}
		}
	}
	return out
}

func isAge(w string) bool {
	if len(w) != 2 || w[0] < '1' || w[0] > '9' || w[1] < '0' || w[1] > '9' {
		return false
	}
	return true
}

// hasDoctor reports "Dr"/"doctor" in the sentence of toks[k]: a doctor
// speaking is information, not a patient testimonial.
func hasDoctor(toks []token, k int) bool {
	lo, hi := sentenceBounds(toks, k, k+1)
	return containsWord(toks, lo, hi, "dr", "doctor", "doctors", "prof", "dermatologist", "physician", "studies", "study", "research", "guidelines")
}

func containsWord(toks []token, lo, hi int, words ...string) bool {
	for k := lo; k < hi && k < len(toks); k++ {
		for _, w := range words {
			if toks[k].text == w {
				return true
			}
		}
	}
	return false
}

func comparisonHits(toks []token, out []hit) []hit {
	for k := 0; k < len(toks); k++ {
		t := &toks[k]
		if t.kind != kWord {
			continue
		}
		rival := inSet(fRival, t)
		end := k + 1
		if !rival && inSet(fRivalQuant, t) {
			for m := k + 1; m < len(toks) && m <= k+2 && toks[m].kind == kWord; m++ {
				if inSet(fRivalNoun, &toks[m]) {
					rival, end = true, m+1
					break
				}
			}
		}
		if !rival {
			continue
		}
		lo, hi := sentenceBounds(toks, k, end)
		cue := -1
		for m := lo; m < hi; m++ {
			if m >= k && m < end {
				continue
			}
			tm := &toks[m]
			if tm.kind == kWord && inSet(fRivalCue, tm) {
				cue = m
				break
			}
			if tm.kind == kPunct && tm.text == ";" && m+1 < len(toks) && (toks[m+1].text == "we" || toks[m+1].text == "our" || toks[m+1].text == "ours") {
				cue = m + 1
				break
			}
		}
		if cue < 0 {
			// the sentence may continue after ";" with "we ..."
			if hi < len(toks) && toks[hi].text == ";" && hi+1 < len(toks) && (toks[hi+1].text == "we" || toks[hi+1].text == "ours" || toks[hi+1].text == "our") {
				cue = hi + 1
			} else {
				continue
			}
		}
		out = append(out, hit{conComparison, min(k, cue), max(end, cue+1)})
		k = hi
	}
	return out
}

// falseFriends are everyday phrases that contain a trigger word: a match
// that starts one of them is dropped.
var falseFriends = [][]string{
	{"best", "practice"}, {"best", "practices"}, {"best", "results", "come"}, {"best", "results", "depend"}, {"before", "sale"}, {"best", "before"}, {"at", "best"}, {"number", "one", "on"},
	{"going", "out"}, {"deal", "with"}, {"free", "radicals"}, {"top", "layer"}, {"top", "tips"},
}

func falseFriend(toks []token, i int) bool {
next:
	for _, ff := range falseFriends {
		for k, w := range ff {
			if i+k >= len(toks) || toks[i+k].text != w {
				continue next
			}
		}
		return true
	}
	return false
}

func init() {
	// Fear and shame are often phrased as negations ("Don't let your neck
	// give away your age", "You can't hide forever"): their constructions
	// are not dropped by a negation before them; sentences about the rules
	// are still exempt.
	for i := range claimSpecs[RuleFear] {
		sp := &claimSpecs[RuleFear][i]
		if sp.nb == "" {
			sp.neg = true
		}
	}
}

// Word flags: the word sets that are tested on every token are looked up
// through the token's vocabulary id instead of a map.
const (
	fMeta uint32 = 1 << iota
	fClaimVerb
	fNotPerson
	fSpeech
	fRival
	fRivalQuant
	fRivalNoun
	fRivalCue
	fNegator
	fMetaFirst
	fNumber
)

var wordFlags []uint32

// registerWordSets gives every word of the flagged sets a vocabulary id; it
// runs at init before the matcher is frozen.
func registerWordSets() map[string]uint32 {
	sets := []struct {
		bit uint32
		m   map[string]bool
	}{{fMeta, metaWords}, {fClaimVerb, claimVerbs}, {fNotPerson, notPersons}, {fSpeech, speechVerbs}, {fRival, rivalWords},
		{fRivalQuant, rivalQuant}, {fRivalNoun, rivalNouns}, {fRivalCue, rivalCues}, {fNegator, negators}, {fMetaFirst, metaFirsts()}, {fNumber, numberWords}}
	words := map[string]uint32{}
	for _, st := range sets {
		for w := range st.m {
			if _, ok := vocab[w]; !ok {
				vocab[w] = int32(len(vocab) + 1)
			}
			words[w] |= st.bit
		}
	}
	return words
}

func buildWordFlags(words map[string]uint32) {
	wordFlags = make([]uint32, len(vocab)+1)
	for w, f := range words {
		wordFlags[vocab[w]] = f
	}
}

func inSet(bit uint32, t *token) bool {
	return t.id != 0 && wordFlags[t.id]&bit != 0
}

func metaFirsts() map[string]bool {
	m := map[string]bool{}
	for _, p := range metaPairs {
		m[p[0]] = true
	}
	return m
}

func init() {
	// Comparisons and "you won't find better" praise are often negations
	// ("can't match our results"): a negation before them does not drop them.
	for _, id := range []string{RuleComparison} {
		for i := range claimSpecs[id] {
			claimSpecs[id][i].neg = true
		}
	}
	for i := range claimSpecs[RuleLaudatory] {
		sp := &claimSpecs[RuleLaudatory][i]
		if strings.Contains(sp.e, "won't") || strings.Contains(sp.e, "nobody") {
			sp.neg = true
		}
	}
}

// weakSpeech verbs name a speaker only next to a quotation.
var weakSpeech = setOf("explains explained adds added writes wrote")

// sentenceQuoted reports quotation marks in the sentence of toks[k].
func sentenceQuoted(toks []token, k int) bool {
	lo, hi := sentenceBounds(toks, k, k+1)
	for m := lo; m < hi; m++ {
		if toks[m].quoted || toks[m].text == "\"" {
			return true
		}
	}
	// a closing quote just before the sentence: "..." says Sarah
	return lo > 0 && toks[lo-1].text == "\"" || lo > 1 && toks[lo-2].text == "\""
}

var storyWords = setOf("story journey experience experiences transformation results result skin acne eczema scars scar melasma pigmentation confidence review words testimonial husband wife friends")

var pageWords = setOf("care page pages site website guide section article articles portal app team")
