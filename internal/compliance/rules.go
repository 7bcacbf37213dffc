package compliance

import (
	"sort"
)

// Rule ids. They are stable: stored overrides and reports refer to them.
const (
	RuleLaudatory            = "laudatory"
	RuleGuarantee            = "guarantee"
	RuleInducement           = "inducement"
	RuleComparison           = "comparison"
	RuleTestimonial          = "testimonial"
	RuleBeforeAfter          = "before-after"
	RuleExternalLink         = "external-link"
	RuleUnverifiedCredential = "unverified-credential"
	RuleFear                 = "fear"
	extraPhraseRule          = "extra-phrase"
)

// RuleExtraPhrase is the rule id of findings from Config.ExtraPhrases.
const RuleExtraPhrase = extraPhraseRule

type rule struct {
	idx                   int // position in rules
	id, name, description string
	message, suggestion   string
	specs                 []spec
	// notInQuestions: suppress matches in sentences that end with "?"
	// (FAQ questions are written in the reader's voice).
	notInQuestions bool
}

var classes = map[string]string{
	"provider": "clinic|clinics|doctor|doctors|dr|physician|physicians|dermatologist|dermatologists|surgeon|surgeons|specialist|specialists|practitioner|practitioners|provider|providers|centre|centres|center|centers|practice|practices|team|aesthetician|aestheticians|therapist|therapists|expert|experts|facility|facilities|hospital|hospitals|medispa|spa|spas",
	"offering": "aesthetic|aesthetics|skincare|dermatology|treatment|treatments|laser|lasers|care|service|services|technology|technologies|equipment|machine|machines|facial|facials|procedure|procedures|surgery|filler|fillers|injector|injectors",
	"region":   "singapore|sg|asia|town|southeast|the|world|region|country|island",
	"session":  "session~|treatment~|week~|month~|day~|laser|lasers|procedure~|course~|filler~|injection~|botox|peel~|therapy|therapies|microneedling|rf|hifu|pico|surgery|rhinoplasty|consultation~|visit~",
	"photo":    "photo~|picture~|image~|gallery|galleries|shot~|pic|pics|comparison~|result~|transformation~|case~|collage~|snap~",
	"skinprob": "scar~|acne|pimple~|pigment~|pigmentation|wrinkle~|line~|pore~|melasma|freckle~|spot~|blemish~|mark~|sagging|eyebags|hair|fat|cellulite|tattoo~",
	"praise":   "amazing|fantastic|wonderful|incredible|awesome|excellent|love|loved|loving|recommend~|thank|thanks|grateful|best|happier|happy|impressed|miracle|changed|perfect|brilliant|superb|outstanding|glowing|lifesaver|confident|thrilled|delighted",
}

var rules = []*rule{
	{
		id: RuleLaudatory, name: "Superlatives and laudatory claims",
		description: "Self-praise such as best, leading, world-class, No. 1, most advanced, top, premier or unrivalled cannot be verified and is not allowed in healthcare advertising.",
		message:     "Laudatory or superlative claim: healthcare information must be factual and verifiable, not self-praising.",
		suggestion:  "state a verifiable fact instead (e.g. the doctor's qualifications or years in practice)",
		specs: []spec{
			{e: "best *2 @provider", nb: "for|your|the|a|which|what|how", s: "our doctors"},
			{e: "the best *1 @provider", nb: "choose|choosing|find|finding|pick|picking|select|selecting", s: "our clinic"},
			{e: "best in @region|class", s: "remove the ranking"},
			{e: "best @offering|price|prices|value|results", nb: "for|your|the|a|which|what|how|give|get|gives|offers"},
			{e: "leading *2 @provider|@offering|name|brand|authority|destination|choice|provider~", s: "an established"},
			{e: "industry|market|sector leading|leader~"},
			{e: "leader~ in"},
			{e: "is|are|we're the best ,|.|!"},
			{e: "we are the best"},
			{e: "deserve~ the best"},
			{e: "world class", na: "health|war|cup|wide"},
			{e: "worldclass"},
			{e: "no .? 1", na: "cause|reason|risk|rule|tip|mistake|question|concern|trigger|factor|sign"},
			{e: "no1"},
			{e: "# 1", na: "cause|reason|risk|rule|tip|mistake|question|concern|trigger|factor|sign"},
			{e: "number one|1", na: "cause|reason|risk|rule|tip|mistake|question|concern|trigger|factor|sign"},
			{e: "most advanced|trusted|experienced|sought|innovative|prestigious|reputable|skilled", na: "way|option|cause|reason|concern|question|form|type|side|thing|things|common|mistake", s: "describe what the technology or team actually does"},
			{e: "top @provider|rated|notch|tier|choice|quality|<num>", nb: "on|at|your", na: "layer|layers|of|tips|reasons|coat|things|ways"},
			{e: "top *1 @provider|rated|notch|tier|choice|quality", nb: "on|at|your|the", na: "layer|layers|of|tips|reasons|coat|things|ways"},
			{e: "premier|premiere|unrivalled|unrivaled|unmatched|unparalleled|unsurpassed|unbeatable|peerless|finest|foremost"},
			{e: "second to none"},
			{e: "state of the art"},
			{e: "cutting|leading|bleeding edge", s: "name the device and what it does"},
			{e: "revolutionary|groundbreaking|ground breaking|breakthrough"},
			{e: "amazing|outstanding|exceptional|superb|spectacular|stunning|remarkable|incredible|impressive|dramatic excellent? result~|outcome~|transformation~", s: "describe the typical, realistic outcome"},
			{e: "excellent result~|outcome~"},
		},
	},
	{
		id: RuleGuarantee, name: "Guarantees and absolute outcomes",
		description: "Guarantees, 100% claims, permanence, no side effects, painless, risk-free, cures and miracles promise outcomes no treatment can ensure.",
		message:     "Guarantee or absolute outcome: no treatment works the same for everyone, so outcomes cannot be promised.",
		suggestion:  "results vary between patients",
		specs: []spec{
			{e: "guarantee~", s: "results vary between patients"},
			{e: "guranteed|garanteed|guarenteed|guaranted"},
			{e: "100 %|percent", s: "most patients"},
			{e: "100 per cent", s: "most patients"},
			{e: "permanent|permanently result~|solution~|cure~|fix~|removal|clearance|improvement|clear|smooth|flawless|gone", s: "results can last a long time, though maintenance may be needed"},
			{e: "permanently *2 remove~|erase~|eliminate~|clear~|get|fix~|banish~|reduce~|gone|disappear~", s: "can reduce the appearance of"},
			{e: "remove~|erase~|eliminate~|banish~|rid *3 permanently|forever", s: "can reduce the appearance of"},
			{e: "remove~|erase~|eliminate~|banish~|rid *3 for good", s: "can reduce the appearance of"},
			{e: "never come|comes|return|returns|grow back?"},
			{e: "say|bid goodbye|farewell to *2 @skinprob", s: "can reduce the appearance of"},
			{e: "@skinprob *2 is|are|was|were|all|completely|totally gone|vanished", s: "looks less visible"},
			{e: "permanent|permanently pore~|scar~|wrinkle~|pigment~|pigmentation|fat|cellulite|melasma reduction|removal|shrinking|clearance|improvement", s: "long-lasting improvement; maintenance may be needed"},
			{e: "no|zero|without *1 side effect~", nb: "to|or", s: "side effects are usually mild and short-lived; your doctor will explain them"},
			{e: "no|zero|without *1 risk|risks|pain|downtime|scarring|complication~", nb: "to|or", s: "recovery and risks vary; your doctor will explain them"},
			{e: "painless|painlessly|painfree|riskfree", s: "most patients find it tolerable; a numbing cream is used"},
			{e: "side effect~|downtime|scar|scarring|complication~ free", s: "side effects are usually mild and short-lived; your doctor will explain them"},
			{e: "pain|risk free", s: "most patients find it tolerable; a numbing cream is used"},
			{e: "cure~|curable|curative", s: "can help improve"},
			{e: "miracle|miracles|miraculous|magic|magical", na: "if|whether|why|how|about", s: "describe the treatment plainly"},
			{e: "completely|totally|perfectly|absolutely|entirely|100 safe|harmless", s: "generally well tolerated; your doctor will discuss the risks"},
			{e: "disappear~|vanish~|gone completely|entirely|forever|permanently|overnight", s: "become less visible"},
			{e: "completely|totally|fully|entirely|100 disappear~|vanish~|gone|clear~", s: "become less visible"},
			{e: "completely|totally|fully|entirely|100 remove~|erase~|eliminate~|clear~ *3 @skinprob", s: "can reduce the appearance of"},
			{e: "erase~|eliminate~|banish~|wipe~ *3 @skinprob", s: "can reduce the appearance of"},
			{e: "perfect skin|complexion|result~|outcome~|face"},
			{e: "flawless"},
			{e: "work~ for everyone|everybody"},
			{e: "work~ for every|all patient~|people|person"},
			{e: "always work~|succeed~"},
			{e: "results in just? one|1|a single? session|treatment|visit"},
		},
	},
	{
		id: RuleInducement, name: "Inducements and urgency",
		description: "Discounts, promotions, packages, free consultations, limited-time offers and urgency (instant, act now) induce people to buy treatment.",
		message:     "Inducement or urgency: healthcare advertising must not push readers with offers, discounts or time pressure.",
		suggestion:  "state the fee plainly, without offers or deadlines",
		specs: []spec{
			{e: "instant|instantly|immediate|immediately result~|effect~|improvement~|glow|lift~", s: "results develop over weeks"},
			{e: "instant|instantly", s: "results develop over weeks"},
			{e: "limited time|slot~|offer~|availability|promotion~|deal~|spot~|seat~", s: "remove the time pressure"},
			{e: "act|hurry|book|call|register now|fast|immediately", na: "for|to", s: "you can contact the clinic to ask questions"},
			{e: "hurry"},
			{e: "while stocks|slots|supplies|spots last"},
			{e: "today|tonight only"},
			{e: "this weekend|week|month only"},
			{e: "offer|promotion|promo|sale ends|expires|ending|valid"},
			{e: "last chance|call"},
			{e: "first come first served?"},
			{e: "only|just <num> slot~|spot~|place~ left|remaining|available"},
			{e: "as low|little as"},
			{e: "from|for|at only|just $|sgd|s"},
			{e: "only|just $ <num>"},
			{e: "free|complimentary *1 consultation~|consult~|trial~|session~|treatment~|assessment~|gift~|upgrade~|add|facial~|review~|scan~|mask~|peel~|sample~", s: "state the consultation fee"},
			{e: "free of charge|gift~"},
			{e: "package|packages|bundle|bundles|bundled", s: "state the fee for each treatment"},
			{e: "% off|discount~"},
			{e: "percent off"},
			{e: "<num> off"},
			{e: "off your first|next"},
			{e: "discount~|promo|promos|promotion|promotions|promotional|voucher~|coupon~|rebate~|cashback|freebie~|giveaway~", s: "state the fee plainly"},
			{e: "free|complimentary skin analysis|scan|check"},
			{e: "sale|deals", na: "with|of", nb: "before|for|on|not|resale|the"},
			{e: "special|exclusive|introductory|trial|launch|festive|bonus offer~|price~|rate~|deal~"},
			{e: "refer a friend"},
			{e: "referral reward~|bonus|credit~|programme|program"},
			{e: "save up? to|$|%"},
			{e: "first timer~|trial"},
			{e: "buy <num> get"},
			{e: "buy *3 get *2 free"},
			{e: "get <num> free"},
			{e: "for free", s: "state the fee plainly"},
			{e: "money back|refund~", s: "state the fee plainly"},
			{e: "sign up|in now|today"},
			{e: "bonus|bonuses"},
			{e: "member|members|vip|loyalty rate~|price~|pricing|discount~|perk~|reward~"},
			{e: "exclusive *2 rate~|price~|pricing|offer~|deal~|perk~"},
			{e: "fill~|sell~|book~|going up? fast|quickly|out"},
			{e: "book|reserve|secure|grab|claim yours|your *1 slot~|spot~|place~? today|now"},
		},
	},
	{
		id: RuleComparison, name: "Comparison with other providers",
		description: "Claims of being better, safer or cheaper than other clinics or doctors, or disparaging them, are not allowed.",
		message:     "Comparison with or disparagement of other providers: describe your own service without comparing it to others.",
		suggestion:  "describe what your clinic does, without reference to others",
		specs: []spec{
			{e: "better|cheaper|safer|faster|gentler|superior|lower|higher|more|less *3 than *2 other|any|another|most|many|rival~|competitor~|competing|typical|regular|ordinary|conventional @provider", s: "describe your own service"},
			{e: "better|cheaper|safer|faster|gentler|superior|lower|higher|more|less *3 than *2 competitor~|rival~|elsewhere|anywhere"},
			{e: "cheaper|cheapest than?", s: "state the fee plainly"},
			{e: "unlike *2 other|many|most|some|typical|ordinary|conventional|those *1 @provider"},
			{e: "compared|comparison to|with *2 other|most|many|competing|rival~ *1 @provider"},
			{e: "other|rival|competing *1 @provider *4 can't|cannot|don't|won't|fail~|overcharge~|rush~|lack|cut|hidden|upsell~|pressure~", neg: true},
			{e: "more|less|extra *2 elsewhere"},
			{e: "outperform~|outshine~|outclass~"},
			{e: "superior to"},
			{e: "the only @provider", s: "describe your service without claiming exclusivity"},
			{e: "competitor~"},
			{e: "than the rest"},
			{e: "beat~ any|other|others"},
		},
	},
	{
		id: RuleTestimonial, name: "Testimonials and reviews",
		description:    "Patient testimonials, quoted praise, star ratings and reproduced reviews are not allowed in healthcare advertising.",
		message:        "Testimonial or review: patient endorsements and ratings may not be used to promote a healthcare service.",
		suggestion:     "remove the testimonial; describe the treatment and its typical results",
		notInQuestions: true,
		specs: []spec{
			{e: "my skin|face|acne|scar~|pore~|complexion|confidence|pigmentation|melasma|wrinkle~|result~|eye~|nose|lip~|cheek~|jawline|chin|forehead|body|life|look|appearance|self|doctor|dr|injector|dermatologist|surgeon"},
			{e: "never looked|felt better|younger|happier|more"},
			{e: "changed|transformed my"},
			{e: "life changing|changer"},
			{e: "would|highly|definitely|totally|strongly|100 recommend~|reccomend~ dr|doctor|this|them|him|her|everyone|anyone|@provider"},
			{e: "recommend~ *3 to anyone|everyone|friends|all"},
			{e: "highly|definitely|totally|strongly recommended"},
			{e: "thank you|thanks *2 dr|doctor|team|clinic"},
			{e: "<num> star~|stars", na: "hotel|hotels|resort|resorts"},
			{e: "★ ★ ★"},
			{e: "rated <num> out|stars|by"},
			{e: "google|facebook|yelp|online|customer|patient|client|verified review~|rating~"},
			{e: "our|glowing|rave|positive|genuine|real|five|5 review~|rating~"},
			{e: "read|see|check *1 review~|rating~"},
			{e: "reviews from our|real|happy"},
			{e: "patient~|client~|customer~ have|had to say"},
			{e: "our *1 patient~|client~|customer~ say~|said|says|rave~|love|loves|agree~|write~|swear|praise~|raving|tell~"},
			{e: "patient~|client~|customer~|people|everyone rave~|love|loves|swear|praise~|raving"},
			{e: "say~|said|writes|wrote one|a|another|our *1 patient~|client~|customer~"},
			{e: "testimonial~"},
			{e: "happy|satisfied|delighted|thrilled|loyal|grateful <num>? patient~|client~|customer~"},
			{e: "thousands|hundreds of *1 happy|satisfied patient~|client~|customer~"},
			{e: "real patient~ *1 real"},
			{e: "success stor~"},
			{e: "hear|read from our|real *1 patient~|client~|customer~"},
			{e: "i|we was|were|am|felt|feel so|really|very|absolutely happy|thrilled|grateful|impressed|pleased|delighted|satisfied"},
			{e: "i'm|im so|really|very|absolutely happy|thrilled|grateful|impressed|pleased|delighted|satisfied"},
			{e: "so happy|pleased|thrilled|impressed with"},
			{e: "love|loved|loving my|the result~|skin|new"},
			{e: "@praise", q: true},
		},
	},
	{
		id: RuleBeforeAfter, name: "Before/after images",
		description: "Before-and-after or after-only photos (found by alt text, caption or file name) imply an outcome for every patient and are not allowed.",
		message:     "Before/after or result image: photos of treatment outcomes suggest every patient will get the same result.",
		suggestion:  "use an explanatory illustration or diagram instead",
		specs: []spec{
			{e: "before and|&|vs|versus|to? after *1 @photo"},
			{e: "after photo~|picture~|pic|pics|shot~|image~"},
			{e: "before photo~|picture~|pic|pics|shot~|image~"},
			{e: "results|transformation gallery|galleries|photos|pictures"},
			{e: "see|view|browse|check *2 result~|transformation~ *2 our|real|patient~"},
			{e: "before and|&|vs|versus|to|after? after", img: true},
			{e: "ba", img: true},
			{e: "before|after *2 @session", img: true},
			{e: "after|post *2 treatment~|procedure~|session~|laser|filler~|surgery|peel~|<num>", img: true},
			{e: "result~|outcome~|transformation~|improvement~|progress", img: true},
			{e: "<num> @session later|post|after", img: true},
			{e: "day|week|month <num>", img: true},
		},
	},
	{
		id: RuleExternalLink, name: "Outbound links",
		description: "Links to sites other than the clinic's own hostnames, the default public health authorities (MOH, HealthHub, HPB, SMC, HSA, WHO, NHS, CDC, NIH, ...) and the clinic's allowlist. Relative links are fine.",
		message:     "Outbound link: the linked page is neither the clinic's own nor a public health authority, and what it says becomes part of the advertisement.",
		suggestion:  "link to a public health authority (e.g. HealthHub or MOH) or add the domain to the clinic's allowlist once reviewed",
	},
	{
		id: RuleUnverifiedCredential, name: "Unverifiable credential claims",
		description: "Accredited, certified, award-winning or internationally recognised claims need the registry or awarding body named in the same sentence.",
		message:     "Credential claim without a named body: say who accredited, certified or awarded it so readers can verify it.",
		suggestion:  "name the body, e.g. \"registered with the Singapore Medical Council\"",
		specs: []spec{
			{e: "accredited|accreditation|certified|certification|certificated|credentialed *2 @provider|@offering|staff|nurses|injectors", nb: "a|your|another"},
			{e: "@provider|@offering|staff are|is fully? accredited|certified|credentialed"},
			{e: "board certified"},
			{e: "award winning|winner|winners"},
			{e: "awardwinning|multiaward"},
			{e: "multi award"},
			{e: "internationally|globally|world|nationally|highly recognised|recognized|renowned|acclaimed|trained|accredited|certified"},
			{e: "world renowned|famous"},
			{e: "renowned|acclaimed|celebrated|famous|celebrity *1 @provider"},
			{e: "highly qualified|credentialed|accomplished"},
		},
	},
	{
		id: RuleFear, name: "Fear-based wording",
		description: "Wording that frightens readers into treatment (before it's too late, don't risk it, dangerous if you wait) is not allowed.",
		message:     "Fear-based wording: do not pressure readers by frightening them.",
		suggestion:  "explain when to see a doctor, calmly and factually",
		specs: []spec{
			{e: "before|until it's|its|it is? too late", neg: true},
			{e: "don't|dont risk *1 it|your|losing|scarring|waiting|permanent", neg: true},
			{e: "do not risk *1 it|your|losing|scarring|waiting|permanent", neg: true},
			{e: "don't|dont wait|delay|hesitate", neg: true, na: "for|to|between"},
			{e: "do not wait|delay|hesitate", neg: true, na: "for|to|between"},
			{e: "don't|dont let *4 ruin~|destroy~|steal~|control|define", neg: true},
			{e: "do not let *4 ruin~|destroy~|steal~|control|define", neg: true},
			{e: "dangerous|risky|harmful to|if *1 wait~|delay~|ignore~"},
			{e: "waiting|delaying|delay|ignoring *2 dangerous|risky|harmful"},
			{e: "can't|cannot afford to wait|ignore|delay|leave", neg: true},
			{e: "can not afford to wait|ignore|delay|leave", neg: true},
			{e: "you'll|you will? regret~"},
			{e: "regret~ it|later|waiting|not"},
			{e: "time bomb"},
			{e: "scarred|disfigured for life"},
			{e: "at your peril"},
			{e: "ruin~ your *1 life|looks|confidence|face|appearance|future"},
			{e: "only get~ worse"},
			{e: "before it gets|get|becomes|spreads worse|permanent"},
			{e: "every day you wait|delay"},
			{e: "ticking clock"},
			{e: "stop suffering|hiding"},
			{e: "embarrassing|ugly|unsightly|disgusting", nb: "not|no"},
		},
	},
}

// pack is a rule pack: rule ids with their default severity.
type pack struct {
	info  PackInfo
	rules map[string]Severity
}

var packList = []pack{
	{
		info: PackInfo{ID: "general", Name: "General medical content",
			Description: "A neutral pack for any jurisdiction: flags absolute outcome claims and warns about self-praise, comparisons, testimonials, fear-based wording, unverifiable credentials and outbound links."},
		rules: map[string]Severity{
			RuleGuarantee: SeverityBlock, RuleLaudatory: SeverityWarn, RuleComparison: SeverityWarn,
			RuleTestimonial: SeverityWarn, RuleFear: SeverityWarn, RuleUnverifiedCredential: SeverityWarn,
			RuleExternalLink: SeverityWarn,
		},
	},
	{
		info: PackInfo{ID: "sg-healthcare-ads", Name: "Singapore healthcare advertising",
			Description: "Derived from Singapore's Healthcare Services (Advertisement) Regulations 2021 and the Singapore Medical Council's Ethical Code and Ethical Guidelines: information must be factual, accurate and verifiable, not laudatory, with no testimonials, comparisons, inducements or before/after photos."},
		rules: map[string]Severity{
			RuleLaudatory: SeverityBlock, RuleGuarantee: SeverityBlock, RuleInducement: SeverityBlock,
			RuleComparison: SeverityBlock, RuleTestimonial: SeverityBlock, RuleBeforeAfter: SeverityBlock,
			RuleFear: SeverityBlock, RuleUnverifiedCredential: SeverityWarn, RuleExternalLink: SeverityWarn,
		},
	},
}

var (
	ruleByID = map[string]*rule{}
	packByID = map[string]*pack{}
	// allPatterns holds every built-in pattern, indexed by first token.
	allPatterns = newMatcher()
)

func init() {
	for k, v := range claimClasses {
		classes[k] = v
	}
	for i, r := range rules {
		r.idx = i
		ruleByID[r.id] = r
		r.specs = append(r.specs, claimSpecs[r.id]...)
		for _, sp := range r.specs {
			items, err := compilePattern(sp.e, classes)
			if err != nil {
				panic("compliance: rule " + r.id + ": " + err.Error())
			}
			allPatterns.add(&pattern{
				rule: r, expr: sp.e, items: items, suggestion: sp.s, message: sp.m,
				notBefore: wordSet(sp.nb), notAfter: wordSet(sp.na),
				quotedOnly: sp.q, imageOnly: sp.img, noNegation: sp.neg, block: sp.block,
			})
		}
	}
	flagged := registerWordSets()
	allPatterns.freeze()
	buildWordFlags(flagged)
	conTestimonial.rule, conComparison.rule = ruleByID[RuleTestimonial], ruleByID[RuleComparison]
	conComparison.noNegation = true
	for i := range packList {
		p := &packList[i]
		packByID[p.info.ID] = p
	}
}

func wordSet(alts string) map[string]bool {
	if alts == "" {
		return nil
	}
	m := map[string]bool{}
	start := 0
	for i := 0; i <= len(alts); i++ {
		if i == len(alts) || alts[i] == '|' {
			if i > start {
				m[alts[start:i]] = true
			}
			start = i + 1
		}
	}
	return m
}

// Packs lists the rule packs with their rules and default severities, in a
// stable order.
func Packs() []PackInfo {
	out := make([]PackInfo, 0, len(packList))
	for _, p := range packList {
		info := p.info
		info.Rules = nil
		for _, r := range rules {
			if sev, ok := p.rules[r.id]; ok {
				info.Rules = append(info.Rules, RuleInfo{ID: r.id, Name: r.name, Description: r.description, Severity: sev})
			}
		}
		out = append(out, info)
	}
	return out
}

// RuleIDs lists every built-in rule id plus RuleExtraPhrase, sorted.
func RuleIDs() []string {
	ids := []string{extraPhraseRule}
	for _, r := range rules {
		ids = append(ids, r.id)
	}
	sort.Strings(ids)
	return ids
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
