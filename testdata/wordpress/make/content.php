<?php
// Creates the fixture content through WordPress's own PHP API.
// Usage: php content.php DIR-WITH-IMAGES
$_SERVER['HTTP_HOST'] = getenv('WP_HOST') ?: 'clinic.example';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';

$incoming = $argv[1];
wp_set_current_user(1);
// The admin has unfiltered_html on a single site; make sure kses does not
// touch the iframes, forms and scripts we put in on purpose.
kses_remove_filters();

function must($v, $what) {
	if (is_wp_error($v) || !$v) {
		fwrite(STDERR, "$what failed: " . (is_wp_error($v) ? $v->get_error_message() : 'false') . "\n");
		exit(1);
	}
	return $v;
}

// --- authors ----------------------------------------------------------------
$kim = must(wp_insert_user([
	'user_login' => 'hana.kim', 'user_pass' => wp_generate_password(), 'user_email' => 'hana.kim@clinic.example',
	'first_name' => 'Hana', 'last_name' => 'Kim', 'display_name' => 'Dr Hana Kim', 'role' => 'author',
]), 'user hana.kim');
$lee = must(wp_insert_user([
	'user_login' => 'sarah.lee', 'user_pass' => wp_generate_password(), 'user_email' => 'sarah.lee@clinic.example',
	'first_name' => 'Sarah', 'last_name' => 'Lee', 'display_name' => 'Sarah Lee', 'role' => 'editor',
]), 'user sarah.lee');
wp_update_user(['ID' => 1, 'display_name' => 'Clinic Admin', 'first_name' => 'Clinic', 'last_name' => 'Admin']);

// --- categories ---------------------------------------------------------------
$catSkin  = must(wp_create_category('Skin concerns'), 'category');
$catLaser = must(wp_create_category('Laser treatments'), 'category');
$catSun   = must(wp_create_category('Sun care'), 'category');
wp_update_term($catLaser, 'category', ['slug' => 'laser', 'description' => 'Articles about laser procedures']);

// --- posts and pages (content filled in once every ID is known) --------------
function post($args) {
	$defaults = ['post_status' => 'publish', 'post_type' => 'post', 'post_content' => 'placeholder', 'comment_status' => 'open'];
	return must(wp_insert_post(wp_slash(array_merge($defaults, $args)), true), 'post ' . $args['post_title']);
}
$p1 = post(['post_title' => 'Are large pores permanent?', 'post_name' => 'are-large-pores-permanent',
	'post_author' => $kim, 'post_date' => '2024-03-12 09:30:00', 'post_category' => [$catSkin],
	'post_excerpt' => 'Pores do not open and close, but the way they look can change. What helps, and what does not.']);
$p2 = post(['post_title' => 'What to expect after laser toning', 'post_name' => 'what-to-expect-after-laser-toning',
	'post_author' => $lee, 'post_date' => '2024-05-20 14:05:00', 'post_category' => [$catLaser, $catSkin],
	'post_excerpt' => 'A day-by-day guide to the first week after a laser toning session.']);
$p3 = post(['post_title' => 'Choosing a sunscreen you will actually wear', 'post_name' => 'choosing-a-sunscreen',
	'post_author' => $kim, 'post_date' => '2023-07-04 08:00:00', 'post_category' => [$catSun]]);
$p4 = post(['post_title' => 'Winter skin routine (draft)', 'post_name' => 'winter-skin-routine',
	'post_author' => $lee, 'post_status' => 'draft', 'post_date' => '2024-11-02 10:00:00', 'post_category' => [$catSkin]]);
$pgTreat = post(['post_title' => 'Treatments', 'post_name' => 'treatments', 'post_type' => 'page',
	'post_author' => 1, 'post_date' => '2023-01-10 12:00:00', 'menu_order' => 1, 'comment_status' => 'closed']);
$pgLaser = post(['post_title' => 'Laser treatments', 'post_name' => 'laser-treatments', 'post_type' => 'page',
	'post_parent' => $pgTreat, 'post_author' => 1, 'post_date' => '2023-01-11 12:00:00', 'menu_order' => 2,
	'comment_status' => 'closed']);

wp_set_post_terms($p1, ['pores', 'skin texture'], 'post_tag');
wp_set_post_terms($p2, ['laser', 'aftercare', 'pigmentation'], 'post_tag');
wp_set_post_terms($p3, ['sunscreen', 'pigmentation'], 'post_tag');
wp_set_post_terms($p4, ['dry skin'], 'post_tag');

// --- media ----------------------------------------------------------------
function media($file, $parent, $title, $alt, $caption, $desc = '') {
	global $incoming;
	$tmp = wp_tempnam($file);
	copy("$incoming/$file", $tmp);
	$id = must(media_handle_sideload(['name' => $file, 'tmp_name' => $tmp], $parent, $desc,
		['post_title' => $title, 'post_excerpt' => $caption, 'post_content' => $desc]), "media $file");
	if ($alt !== '') {
		update_post_meta($id, '_wp_attachment_image_alt', $alt);
	}
	return $id;
}
$imPores  = media('pores-closeup.jpg', $p1, 'Pores close-up', 'Close-up of cheek skin with visible pores', 'Pores on the cheek, photographed in daylight.');
$imLaser  = media('laser-toning-session.jpg', $p2, 'Laser toning session', 'A practitioner holding a laser handpiece over a patient\'s cheek', 'A laser toning session in our treatment room.');
$imWeek1  = media('gallery-week1.jpg', $p2, 'Week 1', 'Cheek one week after the first session', 'Week 1');
$imWeek4  = media('gallery-week4.jpg', $p2, 'Week 4', 'Cheek four weeks after the first session', 'Week 4');
$imWeek8  = media('gallery-week8.jpg', $p2, 'Week 8', '', 'Week 8: individual results vary.');
$imFront  = media('clinic-front.jpg', $p3, 'Clinic front', 'The clinic entrance on a sunny morning', 'Our entrance, where the sunscreen samples are.');
$imChart  = media('sunscreen-chart.png', $p3, 'SPF chart', 'Chart comparing how much UVB SPF 15, 30 and 50 block', 'SPF 30 blocks about 97% of UVB; SPF 50 about 98%.');
$imRoom   = media('missing-consultation-room.jpg', $pgLaser, 'Consultation room', 'Our consultation room with two chairs and a skin analyser', 'Every laser course starts with a consultation.');

set_post_thumbnail($p1, $imPores);
set_post_thumbnail($p2, $imLaser);
set_post_thumbnail($pgLaser, $imRoom);

function src($id, $size = 'full') { return wp_get_attachment_image_url($id, $size); }
function alt($id) { return esc_attr(get_post_meta($id, '_wp_attachment_image_alt', true)); }
$link1  = get_permalink($p1);
$link2  = get_permalink($p2);
$link3  = get_permalink($p3);
$linkPL = get_permalink($pgLaser);
$home   = home_url('/');
$uploads = wp_get_upload_dir()['baseurl'];

// --- post 1: block editor, with an FAQ ------------------------------------
$s1 = src($imPores); $a1 = alt($imPores);
$c1 = <<<HTML
<!-- wp:paragraph -->
<p>People often ask us whether the pores on their nose and cheeks will always look this large. The short answer: pores do not open and close like doors, but how visible they are can change over the years.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":$imPores,"sizeSlug":"full","linkDestination":"none"} -->
<figure class="wp-block-image size-full"><img src="$s1" alt="$a1" class="wp-image-$imPores"/><figcaption class="wp-element-caption">Pores on the cheek, photographed in daylight.</figcaption></figure>
<!-- /wp:image -->

<!-- wp:heading -->
<h2>Why pores look bigger</h2>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>A pore is the opening of a hair follicle. Three things make it look <strong>wider</strong>:</p>
<!-- /wp:paragraph -->

<!-- wp:list -->
<ul><!-- wp:list-item -->
<li>Oil and dead skin cells that collect at the opening</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Loss of collagen around the follicle as skin ages</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Sun damage, which loosens the skin's support structure</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:heading {"level":3} -->
<h3>Genes set the starting point</h3>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>Pore size is partly inherited. Oily skin types tend to have more visible pores, and no product changes the number of follicles you have.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>What helps</h2>
<!-- /wp:heading -->

<!-- wp:list {"ordered":true} -->
<ol><!-- wp:list-item -->
<li>Daily sunscreen, so collagen is not broken down further</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>A retinoid at night, introduced slowly</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Gentle cleansing rather than scrubbing</li>
<!-- /wp:list-item --></ol>
<!-- /wp:list -->

<!-- wp:table -->
<figure class="wp-block-table"><table><thead><tr><th>Treatment</th><th>Sessions</th><th>Downtime</th></tr></thead><tbody><tr><td>Chemical peel</td><td>3 to 6</td><td>1 to 3 days</td></tr><tr><td>Laser toning</td><td>5 to 10</td><td>Usually none</td></tr><tr><td>Microneedling</td><td>3 to 4</td><td>2 to 4 days</td></tr></tbody></table><figcaption class="wp-element-caption">Typical courses; your doctor will suggest what suits your skin.</figcaption></figure>
<!-- /wp:table -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>Pores are part of healthy skin. The aim is to keep them clear, not to make them disappear.</p>
<!-- /wp:paragraph --><cite>Dr Hana Kim</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:paragraph -->
<p>Our pore treatment is guaranteed to shrink your pores permanently after a single visit.</p>
<!-- /wp:paragraph -->

<!-- wp:paragraph -->
<p>If you are planning a laser course, read <a href="$link2">what to expect after laser toning</a> first.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>Frequently Asked Questions</h2>
<!-- /wp:heading -->

<!-- wp:heading {"level":3} -->
<h3>Can pores be closed for good?</h3>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>No. Pores have no muscle to close them. Treatments can make them less visible for months, and keeping up sunscreen helps the result last.</p>
<!-- /wp:paragraph -->

<!-- wp:heading {"level":3} -->
<h3>Do pore strips make pores smaller?</h3>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>They remove the top of a blackhead, so the pore looks clearer for a day or two. They do not change its size, and frequent use can irritate the skin.</p>
<!-- /wp:paragraph -->

<!-- wp:heading {"level":3} -->
<h3>Is it safe to squeeze blackheads at home?</h3>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>Squeezing can push debris deeper and leave marks. If blackheads bother you, ask us about a professional extraction.</p>
<!-- /wp:paragraph -->
HTML;

// --- post 2: classic editor, with shortcodes and an FAQ --------------------
$s2m = src($imLaser, 'medium');
$a2 = alt($imLaser);
$full2 = src($imLaser);
$c2 = <<<HTML
Laser toning uses a low-energy laser to break up pigment and encourage collagen. Most people go back to work the same day.
Still, it helps to know what is normal in the days after a session.

[caption id="attachment_$imLaser" align="aligncenter" width="300"]<a href="$full2"><img class="size-medium wp-image-$imLaser" src="$s2m" alt="$a2" width="300" height="200" /></a> A laser toning session in our treatment room.[/caption]

<h2>The first 48 hours</h2>
Mild redness, like a light sunburn, is common and usually fades within a few hours. Some people notice fine dark specks; this is pigment rising to the surface and it flakes off on its own.

<h2>Aftercare checklist</h2>
<ul>
 	<li>Use a gentle cleanser and a plain moisturiser</li>
 	<li>Apply SPF 30 or higher every morning</li>
 	<li>Avoid saunas and hard exercise for 24 hours</li>
</ul>
<h3>When to call us</h3>
Call the clinic if you have blistering, crusting or pain that does not settle. These are rare, and we would rather see you early.

Progress photos from one patient, taken with her consent:

[gallery ids="$imWeek1,$imWeek4,$imWeek8" columns="3" size="thumbnail"]

For the science of pore size, see <a href="{$home}?p=$p1">our article on large pores</a>.

Laser toning is 100% painless and completely risk-free, with better results than any other clinic in town.

<iframe title="Laser toning explained" width="560" height="315" src="https://www.youtube.com/embed/abc123XYZ" frameborder="0" allowfullscreen></iframe>

[contact-form-7 id="42" title="Book a consultation"]

<h2>FAQs</h2>
<h3>How many sessions will I need?</h3>
Most courses are five to ten sessions, two to four weeks apart. Your doctor sets the plan after looking at your skin.
<h3>Can I wear make-up afterwards?</h3>
Mineral make-up is fine the next day. Wait 24 hours if your skin feels warm.
HTML;

// --- post 3: block editor, gallery, unknown blocks, missing image ---------
$g1 = src($imWeek1, 'large'); $g4 = src($imWeek4, 'large'); $g8 = src($imWeek8, 'large');
$ga1 = alt($imWeek1); $ga4 = alt($imWeek4);
$fr = src($imFront); $fra = alt($imFront);
$ch = src($imChart); $cha = alt($imChart);
$c3 = <<<HTML
<!-- wp:paragraph -->
<p>The best sunscreen is the one you put on every day. Texture, finish and price matter more than a high number on the bottle.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":$imChart,"sizeSlug":"full","linkDestination":"none"} -->
<figure class="wp-block-image size-full"><img src="$ch" alt="$cha" class="wp-image-$imChart"/><figcaption class="wp-element-caption">SPF 30 blocks about 97% of UVB; SPF 50 about 98%.</figcaption></figure>
<!-- /wp:image -->

<!-- wp:heading -->
<h2>Chemical or mineral?</h2>
<!-- /wp:heading -->

<!-- wp:paragraph -->
<p>Both protect well. Mineral filters (zinc oxide, titanium dioxide) suit sensitive skin; chemical filters usually feel lighter. Choose a <em>broad-spectrum</em> product so UVA is covered too.</p>
<!-- /wp:paragraph -->

<!-- wp:image {"id":$imFront,"sizeSlug":"full","linkDestination":"none"} -->
<figure class="wp-block-image size-full"><img src="$fr" alt="$fra" class="wp-image-$imFront"/><figcaption class="wp-element-caption">Our entrance, where the sunscreen samples are.</figcaption></figure>
<!-- /wp:image -->

<!-- wp:paragraph -->
<p>An old before-and-after photo from our previous website:</p>
<!-- /wp:paragraph -->

<!-- wp:image {"sizeSlug":"large"} -->
<figure class="wp-block-image size-large"><img src="$uploads/2019/06/old-before-after.jpg" alt="Before and after a course of peels"/></figure>
<!-- /wp:image -->

<!-- wp:gallery {"linkTo":"none"} -->
<figure class="wp-block-gallery has-nested-images columns-default is-cropped"><!-- wp:image {"id":$imWeek1,"sizeSlug":"large","linkDestination":"none"} -->
<figure class="wp-block-image size-large"><img src="$g1" alt="$ga1" class="wp-image-$imWeek1"/><figcaption class="wp-element-caption">Week 1</figcaption></figure>
<!-- /wp:image -->

<!-- wp:image {"id":$imWeek4,"sizeSlug":"large","linkDestination":"none"} -->
<figure class="wp-block-image size-large"><img src="$g4" alt="$ga4" class="wp-image-$imWeek4"/></figure>
<!-- /wp:image -->

<!-- wp:image {"id":$imWeek8,"sizeSlug":"large","linkDestination":"none"} -->
<figure class="wp-block-image size-large"><img src="$g8" alt="" class="wp-image-$imWeek8"/></figure>
<!-- /wp:image --><figcaption class="blocks-gallery-caption wp-element-caption">Pigmentation fading with daily SPF and laser toning.</figcaption></figure>
<!-- /wp:gallery -->

<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->

<!-- wp:embed {"url":"https://www.youtube.com/watch?v=sunSafe01","type":"video","providerNameSlug":"youtube","responsive":true,"className":"wp-embed-aspect-16-9 wp-has-aspect-ratio"} -->
<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">
https://www.youtube.com/watch?v=sunSafe01
</div></figure>
<!-- /wp:embed -->

<!-- wp:html -->
<form action="/newsletter" method="post"><input type="email" name="email" placeholder="Your email"><button>Sign up</button></form>
<script>console.log("newsletter");</script>
<!-- /wp:html -->

<!-- wp:shortcode -->
[booking_widget clinic="main"]
<!-- /wp:shortcode -->

<!-- wp:buttons -->
<div class="wp-block-buttons"><!-- wp:button -->
<div class="wp-block-button"><a class="wp-block-button__link wp-element-button" href="$linkPL">See our laser treatments</a></div>
<!-- /wp:button --></div>
<!-- /wp:buttons -->

<!-- wp:cover {"url":"$fr","id":$imFront,"dimRatio":50} -->
<div class="wp-block-cover"><span aria-hidden="true" class="wp-block-cover__background has-background-dim"></span><img class="wp-block-cover__image-background wp-image-$imFront" alt="" src="$fr" data-object-fit="cover"/><div class="wp-block-cover__inner-container"><!-- wp:paragraph {"align":"center","fontSize":"large"} -->
<p class="has-text-align-center has-large-font-size">Sun safety starts at the door</p>
<!-- /wp:paragraph --></div></div>
<!-- /wp:cover -->

<!-- wp:latest-posts {"postsToShow":3} /-->

<!-- wp:paragraph -->
<p>Reapply every two hours outdoors. See also <a href="$link1">Are large pores permanent?</a></p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>FAQ</h2>
<!-- /wp:heading -->

<!-- wp:yoast/faq-block {"questions":[{"id":"faq-question-1701"},{"id":"faq-question-1702"}]} -->
<div class="schema-faq wp-block-yoast-faq-block"><div class="schema-faq-section" id="faq-question-1701"><strong class="schema-faq-question">Do I need sunscreen indoors?</strong> <p class="schema-faq-answer">If you sit by a window for hours, yes: UVA passes through ordinary glass.</p> </div> <div class="schema-faq-section" id="faq-question-1702"><strong class="schema-faq-question">Is the SPF in make-up enough?</strong> <p class="schema-faq-answer">Rarely. You would need far more foundation than anyone wears to reach the number on the label.</p> </div> </div>
<!-- /wp:yoast/faq-block -->
HTML;

// --- post 4: a draft ----------------------------------------------------------
$c4 = "Cold air and central heating both dry the skin.\n\nSwap foaming cleansers for a cream cleanser and keep using sunscreen.";

// --- pages ----------------------------------------------------------------
$cT = <<<HTML
<!-- wp:paragraph -->
<p>We offer medical skin treatments after a consultation with one of our doctors.</p>
<!-- /wp:paragraph -->

<!-- wp:list -->
<ul><!-- wp:list-item -->
<li><a href="$linkPL">Laser treatments</a></li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li><a href="{$home}?page_id=$pgLaser">Laser treatments (short link)</a></li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->
HTML;
$rm = src($imRoom, 'medium'); $rma = alt($imRoom);
$cL = <<<HTML
Our laser treatments are carried out by trained practitioners under a doctor's supervision.

[caption id="attachment_$imRoom" align="alignright" width="300"]<img class="size-medium wp-image-$imRoom" src="$rm" alt="$rma" width="300" height="225" /> Every laser course starts with a consultation.[/caption]

We use laser toning for pigmentation and uneven tone, and fractional laser for acne scarring. Read about <a href="$link2">aftercare for laser toning</a>.

<strong>Results vary from person to person</strong>, and we will tell you honestly if a laser is not the right choice for your skin.
HTML;

foreach ([[$p1, $c1], [$p2, $c2], [$p3, $c3], [$p4, $c4], [$pgTreat, $cT], [$pgLaser, $cL]] as [$id, $c]) {
	must(wp_update_post(wp_slash(['ID' => $id, 'post_content' => $c]), true), "update $id");
}
update_post_meta($p1, '_yoast_wpseo_metadesc', 'Why pores look larger with age, and which treatments make them less visible.');

// --- comments (these must NOT be imported) ---------------------------------
wp_insert_comment(['comment_post_ID' => $p1, 'comment_author' => 'Mina', 'comment_author_email' => 'mina@example.org',
	'comment_content' => 'Thank you, this explained a lot about my nose pores.', 'comment_approved' => 1,
	'comment_date' => '2024-03-14 18:20:00']);
wp_insert_comment(['comment_post_ID' => $p1, 'comment_author' => 'Dr Hana Kim', 'user_id' => $kim,
	'comment_author_email' => 'hana.kim@clinic.example', 'comment_content' => 'Glad it helped, Mina.',
	'comment_approved' => 1, 'comment_date' => '2024-03-15 09:00:00', 'comment_parent' => 0]);
wp_insert_comment(['comment_post_ID' => $p2, 'comment_author' => 'Jo', 'comment_author_email' => 'jo@example.org',
	'comment_content' => 'How long until the specks go?', 'comment_approved' => 0, 'comment_date' => '2024-05-22 07:45:00']);

printf("posts %d %d %d %d, pages %d %d, media %s\n", $p1, $p2, $p3, $p4, $pgTreat, $pgLaser,
	implode(',', [$imPores, $imLaser, $imWeek1, $imWeek4, $imWeek8, $imFront, $imChart, $imRoom]));
