package demo

import (
	"github.com/clinicpress/clinicpress/internal/article"
	"github.com/clinicpress/clinicpress/internal/clinic"
)

// All demo text is written for ClinicPress; it is illustrative, not medical
// advice.
var clinics = []demoClinic{
	{
		slug: "lumen-skin", name: "Lumen Skin & Laser Clinic", host: "lumen.localhost", theme: "clinical",
		branding: clinic.Branding{Tagline: "Evidence-based skin care, explained plainly", PrimaryColor: "#1a5f7a",
			Phone: "+65 6000 0101", Email: "hello@lumen.example", Address: "10 Example Road, #02-01, Singapore 000010",
			FooterNotice: "Articles are reviewed by our doctors for general education and do not replace a consultation."},
		people: []person{
			{"aisha@lumen.example", "Aisha Rahman", "clinic_admin", nil},
			{"weiling@lumen.example", "Wei Ling Tan", "writer", nil},
			{"daniel@lumen.example", "Daniel Koh", "doctor", &clinic.DoctorProfile{RegistrationNumber: "M12345A", Specialty: "Dermatology", CredentialsExpireOn: "2028-12-31"}},
			{"priya@lumen.example", "Priya Nair", "doctor", &clinic.DoctorProfile{RegistrationNumber: "M23456B", Specialty: "Aesthetic medicine", CredentialsExpireOn: "2028-06-30"}},
		},
		articles: []demoArticle{
			{by: 1, state: article.StatusPublished, draft: article.Draft{
				Title:   "Are large pores permanent, or can aesthetic procedures reduce them?",
				Summary: "Why pores look larger with age, oil and sun damage, what realistically helps, and what no treatment can change.",
				Tags:    []string{"pores", "skin texture", "lasers"},
				Body: `Pores are the openings of hair follicles, and every one of them has an oil gland attached. Their size is set largely by genetics, so nobody can make them disappear. What changes over time is how *visible* they are.

## Why pores look bigger

- **Oil**: a gland that produces a lot of sebum stretches the opening, and the shine draws the eye to it.
- **Loss of support**: collagen around the pore thins with age and sun exposure, so the rim sags and the opening looks wider.
- **Clogging**: dead skin and oil plug the pore, and the plug oxidises to a dark dot that makes it stand out.

## What helps

| Approach | What it does | Typical course |
|---|---|---|
| Daily sunscreen | Slows further collagen loss | Ongoing |
| Topical retinoids | Speeds cell turnover, keeps pores clear | 8 to 12 weeks to see change |
| Chemical peels | Loosen plugs and smooth the surface | A few sessions, a month apart |
| Fractional lasers | Stimulate new collagen around the pore | Several sessions; downtime varies |

Results differ between people, and pores will not disappear completely. Most patients who benefit see a modest, gradual improvement in texture rather than a dramatic change.

## Frequently Asked Questions

### Can pore strips shrink pores?
They remove the top of a plug for a short while. The pore refills within days, and frequent use can irritate the skin.

### Do lasers close pores for good?
No treatment closes a pore. Lasers can firm the surrounding skin so that pores look smaller, and the effect fades slowly with age, so maintenance is usually needed.

### Is it safe to treat pores during pregnancy?
Retinoids and many procedures are avoided during pregnancy. Speak with your doctor before starting any treatment.`}},
			{by: 1, state: article.StatusPublished, edit: "\n\n## Swimming and sport\n\nWater and sweat remove sunscreen faster than the label suggests. Reapply after towelling dry.", draft: article.Draft{
				Title:   "Sunscreen after laser treatment: what to use and for how long",
				Summary: "Treated skin burns and darkens easily. A practical routine for the weeks after a laser session.",
				Tags:    []string{"sunscreen", "lasers", "aftercare"},
				Body: `After a laser session the outer layer of skin is healing, and ultraviolet light can trigger dark patches, especially in skin that tans easily.

## The routine we suggest

1. Use a broad-spectrum sunscreen of SPF 50 every morning, including cloudy days.
2. Apply about two finger-lengths for the face and neck.
3. Reapply every two to three hours when you are outdoors.
4. Add a hat and shade between 10 am and 4 pm.

## For how long

Keep to this strictly for at least four weeks, or as long as your doctor advises for your treatment. Many patients simply keep the habit, which also protects the result.`}},
			{by: 3, state: article.StatusInReview, draft: article.Draft{
				Title:   "Acne scars: which treatments suit which scar types",
				Summary: "Rolling, boxcar and icepick scars respond to different approaches. An overview to discuss with your doctor.",
				Tags:    []string{"acne scars", "skin texture"},
				Body: `Acne scars are not all alike, and the shape of a scar decides which treatment is worth trying.

## Scar types

- **Rolling scars** have soft edges and give skin a wavy look.
- **Boxcar scars** are broad with sharp edges.
- **Icepick scars** are narrow and deep.

Combining treatments over several months often works better than any single session. Improvement is usually partial, and your doctor can help you set realistic expectations.`}},
			{by: 1, state: article.StatusDraft, draft: article.Draft{
				Title:   "Understanding melasma flare-ups in humid climates",
				Summary: "Heat, light and hormones all play a part. Notes towards a fuller article.",
				Tags:    []string{"pigmentation"},
				Body:    "Melasma is a pattern of brown patches, most often on the cheeks and forehead.\n\nThis draft still needs sections on triggers and on treatment options.",
			}},
		},
	},
	{
		slug: "harbour-medical", name: "Harbour Family Medical", host: "harbour.localhost", theme: "serene",
		branding: clinic.Branding{Tagline: "Family doctors for every stage of life", PrimaryColor: "#7a4b1a",
			Phone: "+65 6000 0202", Email: "care@harbour.example", Address: "22 Sample Street, Singapore 000022",
			FooterNotice: "This site offers general health information. In an emergency, call 995."},
		people: []person{
			{"marcus@harbour.example", "Marcus Lee", "clinic_admin", nil},
			{"grace@harbour.example", "Grace Ong", "writer", nil},
			{"hannah@harbour.example", "Hannah Lim", "doctor", &clinic.DoctorProfile{RegistrationNumber: "M34567C", Specialty: "Family medicine", CredentialsExpireOn: "2029-03-31"}},
			{"samuel@harbour.example", "Samuel Tan", "doctor", &clinic.DoctorProfile{RegistrationNumber: "M45678D", Specialty: "Internal medicine", CredentialsExpireOn: "2027-09-30"}},
		},
		articles: []demoArticle{
			{by: 1, state: article.StatusPublished, draft: article.Draft{
				Title:   "When does a cough need a doctor's visit?",
				Summary: "Most coughs settle by themselves within three weeks. These signs mean it is time to be seen.",
				Tags:    []string{"respiratory", "family health"},
				Body: `A cough is the body's way of clearing the airways, and most coughs that follow a cold fade within three weeks.

## See a doctor if you notice

- a cough lasting more than three weeks;
- breathlessness, chest pain or wheezing;
- coughing up blood;
- fever above 38.5 °C for more than three days;
- weight loss or night sweats.

## Frequently Asked Questions

1. **Do I need antibiotics for a cough?** Most coughs are caused by viruses, which antibiotics do not treat. Your doctor will prescribe them only when a bacterial infection is likely.
2. **Is honey safe for children's coughs?** Honey can soothe a cough in children over one year old. Never give honey to babies under twelve months.`}},
			{by: 1, state: article.StatusApproved, draft: article.Draft{
				Title:   "Managing blood pressure at home: a practical guide",
				Summary: "How to measure correctly, what the numbers mean, and when to call the clinic.",
				Tags:    []string{"blood pressure", "chronic care"},
				Body: `Home readings help your doctor see how your blood pressure behaves in daily life.

## Measuring correctly

Sit quietly for five minutes, keep your arm supported at heart level, and take two readings a minute apart, morning and evening, for a week before your appointment.`}},
			{by: 1, state: article.StatusChangesRequested, draft: article.Draft{
				Title:   "Childhood vaccinations: catching up on missed doses",
				Summary: "Missed a dose? Most schedules can be resumed without starting over.",
				Tags:    []string{"children", "vaccination"},
				Body:    "If your child missed a scheduled vaccine, there is usually no need to restart the series. Bring the health booklet to your next visit.",
			}},
		},
	},
}
