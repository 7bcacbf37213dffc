<?php
// Draws small test images with PHP's GD (so the uploads archive stays tiny).
$dir = $argv[1];
@mkdir($dir, 0755, true);
function img($path, $w, $h, $rgb, $label, $png = false) {
	$im = imagecreatetruecolor($w, $h);
	$bg = imagecolorallocate($im, $rgb[0], $rgb[1], $rgb[2]);
	imagefilledrectangle($im, 0, 0, $w, $h, $bg);
	$fg = imagecolorallocate($im, 255, 255, 255);
	for ($i = 0; $i < $w; $i += 16) {
		imageline($im, $i, 0, $w - $i, $h, imagecolorallocate($im, ($rgb[0] + $i) % 256, $rgb[1], $rgb[2]));
	}
	imagestring($im, 5, 10, 10, $label, $fg);
	if ($png) { imagepng($im, $path); } else { imagejpeg($im, $path, 60); }
}
img("$dir/pores-closeup.jpg", 480, 320, [180, 120, 100], 'pores close-up');
img("$dir/laser-toning-session.jpg", 480, 320, [90, 110, 160], 'laser toning');
img("$dir/gallery-week1.jpg", 400, 300, [200, 150, 150], 'week 1');
img("$dir/gallery-week4.jpg", 400, 300, [170, 150, 160], 'week 4');
img("$dir/gallery-week8.jpg", 400, 300, [150, 150, 170], 'week 8');
img("$dir/clinic-front.jpg", 480, 320, [60, 130, 110], 'clinic front');
img("$dir/sunscreen-chart.png", 360, 240, [240, 220, 120], 'SPF chart', true);
img("$dir/missing-consultation-room.jpg", 400, 300, [120, 120, 120], 'consultation room');
echo "images in $dir\n";
