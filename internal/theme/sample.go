package theme

import (
	"html/template"
	"time"

	"github.com/clinicpress/clinicpress/internal/render"
)

// SampleBaseURL is the base URL of the fixture clinic returned by Sample.
const SampleBaseURL = "https://riverside.example"

// Sample returns a complete fixture View for page (one of the Page*
// constants), for the fictional Riverside Family Clinic at SampleBaseURL.
// Themes are validated against it and the golden tests render it.
func Sample(page string) *View { return SampleAt(SampleBaseURL, page) }

// SampleAt is Sample with another base URL, for previewing themes on a
// local server. Every call returns a fresh View the caller may change.
func SampleAt(base, page string) *View {
	doctorURL := base + "/doctors/amara-okafor"
	tag := func(name, slug string) Tag { return Tag{Name: name, URL: base + "/tags/" + slug} }
	skin, prevention, sleep, heart := tag("Skin", "skin"), tag("Prevention", "prevention"), tag("Sleep", "sleep"), tag("Heart health", "heart-health")

	sun := ArticleCard{
		Title: "Looking after your skin in the sun", URL: base + "/articles/skin-in-the-sun",
		Summary:     "How sunlight affects the skin, how to pick a sunscreen that suits you, and which changes to a mole deserve a closer look.",
		PublishedAt: sampleTime(2024, 6, 3), ReviewerName: "Amara Okafor", Tags: []Tag{skin, prevention},
	}
	cards := []ArticleCard{
		{
			Title: "Sleeping better without tablets", URL: base + "/articles/sleeping-better",
			Summary:     "Small, steady changes to your evenings and mornings that help most adults fall asleep sooner and wake up less often.",
			PublishedAt: sampleTime(2025, 12, 3), ReviewerName: "Jonas Lindqvist", Tags: []Tag{sleep},
		},
		{
			Title: "What your blood pressure numbers mean", URL: base + "/articles/blood-pressure-numbers",
			Summary:     "The two numbers of a blood pressure reading explained, with the ranges doctors use and tips for measuring at home.",
			PublishedAt: sampleTime(2025, 11, 20), ReviewerName: "Jonas Lindqvist", Tags: []Tag{heart, prevention},
		},
		sun,
	}
	site := Site{
		Name:         "Riverside Family Clinic",
		Tagline:      "Clear, doctor-reviewed health information for the families we care for.",
		LogoURL:      base + "/media/logo.svg",
		LogoAlt:      "Riverside Family Clinic",
		PrimaryColor: "#2a7de1",
		Phone:        "+44 20 7946 0321",
		Email:        "hello@riverside.example",
		Address:      "12 Mill Lane\nRiverside\nRV1 2AB",
		FooterNotice: "Riverside Family Clinic is registered with the regional health authority under number RH-20417.",
		BaseURL:      base,
		Lang:         "en-GB",
	}
	nav := []NavLink{
		{Label: "Articles", URL: base + "/"},
		{Label: "Our doctors", URL: base + "/doctors"},
		{Label: "Search", URL: base + "/search"},
	}
	v := &View{Site: site, Nav: nav}
	switch page {
	case PageArticle:
		a := sampleArticle(base, doctorURL, skin, prevention)
		v.Article = a
		v.Page = Page{
			Title: a.Title, Description: a.Summary, Canonical: a.URL, OGType: "article",
			OGImage: base + "/media/sun-share.png", JSONLD: ArticleJSONLD(site, a, sampleFAQ(a)),
		}
	case PageHome:
		v.Nav[0].Current = true
		v.List = &ListView{
			Heading:  "Health articles reviewed by our doctors",
			Intro:    "Every article on this site is checked by one of our doctors before it is published and again at least once a year.",
			Articles: cards,
			NextURL:  base + "/?page=2",
		}
		v.Page = Page{Title: site.Name, Description: site.Tagline, Canonical: base + "/", JSONLD: SiteJSONLD(site)}
	case PageTag:
		v.List = &ListView{
			Heading:  "Articles about prevention",
			Articles: []ArticleCard{cards[1], sun},
			PrevURL:  base + "/tags/prevention",
			NextURL:  base + "/tags/prevention?page=3",
		}
		v.Page = Page{
			Title: "Prevention, page 2", Description: "Doctor-reviewed articles about staying well and catching problems early.",
			Canonical: base + "/tags/prevention?page=2",
		}
	case PageDoctor:
		v.Doctor = &DoctorView{
			Name: "Amara Okafor", URL: doctorURL, Specialty: "Dermatology", RegistrationNumber: "GMC 7318842",
			Bio:      "Dr Okafor has looked after patients with skin conditions for fifteen years and leads the clinic's mole-check service.\n\nShe reviews our articles on skin health and sun safety.",
			Reviewed: []ArticleCard{sun},
		}
		v.Page = Page{
			Title: "Dr Amara Okafor, Dermatology", Description: "Profile of Dr Amara Okafor, dermatologist at Riverside Family Clinic, and the articles she has reviewed.",
			Canonical: doctorURL, OGType: "profile",
		}
	case PageDoctors:
		v.Nav[1].Current = true
		v.Doctors = []DoctorView{
			{Name: "Amara Okafor", URL: doctorURL, Specialty: "Dermatology", RegistrationNumber: "GMC 7318842"},
			{Name: "Jonas Lindqvist", URL: base + "/doctors/jonas-lindqvist", Specialty: "General practice", RegistrationNumber: "GMC 6120459"},
		}
		v.Page = Page{Title: "Our doctors", Description: "The doctors who write and medically review the health articles of Riverside Family Clinic.", Canonical: base + "/doctors"}
	case PageSearch:
		v.Nav[2].Current = true
		v.Search = &SearchView{Query: "sleep", Results: cards[:1], Total: 1}
		v.Page = Page{Title: "Search results for sleep", Description: "Search the health articles of Riverside Family Clinic.", Canonical: base + "/search"}
	case PageNotFound:
		v.Page = Page{Title: "Page not found", Description: "The page you asked for is not on this site.", Canonical: base + "/"}
	}
	return v
}

func sampleArticle(base, doctorURL string, tags ...Tag) *ArticleView {
	return &ArticleView{
		Slug:    "skin-in-the-sun",
		URL:     base + "/articles/skin-in-the-sun",
		Title:   "Looking after your skin in the sun",
		Summary: "How sunlight affects the skin, how to pick a sunscreen that suits you, and which changes to a mole deserve a closer look.",
		BodyHTML: template.HTML(`<h2 id="why-it-matters">Why sun protection matters</h2>
<p>Ultraviolet light reaches your skin even on cloudy days. Over the years it speeds up skin ageing and raises the risk of skin cancer, so a few daily habits pay off for life.</p>
<h2 id="choosing-sunscreen">Choosing a sunscreen</h2>
<p>Pick a <strong>broad-spectrum</strong> product that protects against both UVA and UVB light, with a sun protection factor of at least 30. Texture matters less than you think: the best sunscreen is the one you will actually wear.</p>
<h3 id="sensitive-skin">If you have sensitive skin</h3>
<p>Mineral filters such as zinc oxide are less likely to sting. Try a small patch on your inner arm for two days before using a new product on your face.</p>
<h2 id="how-much">How much to apply</h2>
<ul>
<li>About six teaspoons for the whole body of an adult.</li>
<li>Apply it twenty minutes before going out.</li>
<li>Reapply every two hours, and after swimming or towelling.</li>
</ul>
<h2 id="see-a-doctor">When to see a doctor</h2>
<p>Book an appointment if a mole changes shape, size or colour, bleeds, or itches for more than a few weeks.</p>`),
		Headings: []Heading{
			{Level: 2, ID: "why-it-matters", Text: "Why sun protection matters"},
			{Level: 2, ID: "choosing-sunscreen", Text: "Choosing a sunscreen"},
			{Level: 3, ID: "sensitive-skin", Text: "If you have sensitive skin"},
			{Level: 2, ID: "how-much", Text: "How much to apply"},
			{Level: 2, ID: "see-a-doctor", Text: "When to see a doctor"},
		},
		FAQ: []QA{
			{Question: "Do I need sunscreen in winter?", AnswerHTML: template.HTML(`<p>On most winter days a moisturiser with SPF is enough for your face. In snow or at altitude, use full protection: snow reflects much of the light back at you.</p>`)},
			{Question: "Is a tan a sign of healthy skin?", AnswerHTML: template.HTML(`<p>No. A tan is your skin's response to damage, not a protection against it.</p>`)},
		},
		Tags:           tags,
		Author:         Person{Name: "Lena Hartmann"},
		Reviewer:       Reviewer{Name: "Amara Okafor", Specialty: "Dermatology", RegistrationNumber: "GMC 7318842", ProfileURL: doctorURL},
		ReviewedOn:     sampleTime(2025, 1, 8),
		PublishedAt:    sampleTime(2024, 6, 3),
		ModifiedAt:     sampleTime(2025, 1, 8),
		ReviewOverdue:  true,
		ReadingMinutes: 4,
	}
}

func sampleTime(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 9, 0, 0, 0, time.UTC)
}

// sampleFAQ is the fixture article's FAQ as the render package extracts it.
func sampleFAQ(a *ArticleView) []render.QA {
	faq := make([]render.QA, len(a.FAQ))
	for i, q := range a.FAQ {
		faq[i] = render.QA{Question: q.Question, AnswerHTML: q.AnswerHTML, AnswerText: plainText(q.AnswerHTML)}
	}
	return faq
}
