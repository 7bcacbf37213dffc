package theme

import (
	"html/template"
	"time"
)

// View is everything a theme template may show on one page. The public-site
// handler fills it from live revisions only; templates never reach the database.
// Only the parts a page needs must be set: Article for "article", List for
// "home" and "tag", Doctor for "doctor", Doctors for "doctors" and Search for
// "search" (a nil Search renders an empty search form).
type View struct {
	Site    Site         // the clinic whose site is shown
	Page    Page         // head metadata of this page
	Article *ArticleView // the article on the "article" page
	List    *ListView    // the article list on "home" and "tag"
	Doctor  *DoctorView  // the doctor on the "doctor" page
	Doctors []DoctorView // every doctor on the "doctors" page
	Search  *SearchView  // query and results on the "search" page
	Nav     []NavLink    // main navigation, in order
}

// Site describes the clinic that owns the public site.
type Site struct {
	Name         string // clinic name, shown in the header and appended to titles
	Tagline      string // one-line description; fallback meta description
	LogoURL      string // http(s) or root-relative URL of the logo; "" shows no image
	LogoAlt      string // alternative text of the logo; defaults to Name
	PrimaryColor string // brand colour "#rgb" or "#rrggbb"; darkened until it reaches 4.5:1 on white
	Phone        string // shown as a tel: link; "" hides it
	Email        string // shown as a mailto: link; "" hides it
	Address      string // postal address; line breaks are kept
	FooterNotice string // clinic's own notice, shown above the theme's medical disclaimer
	BaseURL      string // absolute site root without trailing slash, e.g. https://pores.example
	Lang         string // BCP 47 language of the content, e.g. "en-GB"; defaults to "en"
}

// Page holds the document metadata of one page.
type Page struct {
	Title       string        // the page's own title; the layout appends the site name
	Description string        // meta description; defaults to Site.Tagline
	Canonical   string        // absolute canonical URL, also used as og:url
	NoIndex     bool          // adds <meta name="robots" content="noindex">
	OGType      string        // og:type, e.g. "article" or "website"; defaults to "website"
	OGImage     string        // absolute URL of a share image; "" omits og:image
	JSONLD      []template.JS // JSON-LD documents, each rendered in its own script tag; build them with JSONLD
	Preview     *Preview      // non-nil on a draft preview: shows a banner and forces noindex
}

// Preview marks a page rendered from an unpublished revision.
type Preview struct {
	RevisionNumber int       // revision being previewed
	ExpiresAt      time.Time // when the preview link stops working
}

// NavLink is one entry of the main navigation.
type NavLink struct {
	Label   string // link text
	URL     string // target
	Current bool   // marks the link with aria-current="page"
}

// ArticleView is one live, medically reviewed article.
type ArticleView struct {
	Slug           string        // URL slug
	URL            string        // absolute or root-relative URL of the article
	Title          string        // headline, shown as the page's h1
	Summary        string        // one-paragraph standfirst
	BodyHTML       template.HTML // sanitised body; its h2/h3 must carry the IDs listed in Headings
	Headings       []Heading     // outline of the body; a table of contents is shown from 3 entries
	FAQ            []QA          // optional questions and answers
	Tags           []Tag         // topics of the article
	Author         Person        // who wrote it
	Reviewer       Reviewer      // the doctor who reviewed it
	ReviewedOn     time.Time     // date of the last medical review
	PublishedAt    time.Time     // first publication
	ModifiedAt     time.Time     // last content change; zero hides it
	ReviewOverdue  bool          // the next scheduled review date has passed
	ReadingMinutes int           // estimated reading time; 0 hides it
}

// Heading is one entry of an article's table of contents.
type Heading struct {
	Level int    // 2 or 3
	ID    string // fragment identifier of the heading in BodyHTML
	Text  string // heading text
}

// QA is one frequently asked question with its answer.
type QA struct {
	Question   string        // plain-text question
	AnswerHTML template.HTML // sanitised answer
}

// Tag is a topic with the URL of its listing page.
type Tag struct {
	Name string // topic name
	URL  string // listing page of the topic
}

// Person is a named person, such as an article's author.
type Person struct {
	Name string // full name
}

// Reviewer is the doctor who medically reviewed an article.
type Reviewer struct {
	Name               string // full name without title; templates prefix "Dr"
	Specialty          string // e.g. "Dermatology"
	RegistrationNumber string // professional registration number
	ProfileURL         string // the doctor's profile page on this site
}

// ArticleCard is an article in a list.
type ArticleCard struct {
	Title        string    // headline
	URL          string    // article page
	Summary      string    // standfirst
	PublishedAt  time.Time // first publication
	ReviewerName string    // reviewing doctor without title; "" hides it
	Tags         []Tag     // topics
}

// ListView is a paginated list of articles, such as the home page or a tag page.
type ListView struct {
	Heading  string        // the list's h1
	Intro    string        // optional text below the heading
	Articles []ArticleCard // this page of articles, newest first
	NextURL  string        // older articles; "" hides the link
	PrevURL  string        // newer articles; "" hides the link
}

// DoctorView is a doctor's public profile.
type DoctorView struct {
	Name               string        // full name without title; templates prefix "Dr"
	URL                string        // profile page
	Specialty          string        // e.g. "Cardiology"
	RegistrationNumber string        // professional registration number
	Bio                string        // plain text; blank lines separate paragraphs
	Reviewed           []ArticleCard // live articles the doctor reviewed
}

// SearchView is a search query and its results.
type SearchView struct {
	Query   string        // the query as typed; "" shows only the form
	Results []ArticleCard // this page of results
	Total   int           // number of matches over all pages
	NextURL string        // next page of results; "" hides the link
	PrevURL string        // previous page of results; "" hides the link
}
