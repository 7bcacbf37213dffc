<?php
// Exports everything with WordPress's own exporter (Tools -> Export -> All content).
$_SERVER['HTTP_HOST'] = getenv('WP_HOST') ?: 'clinic.example';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
wp_set_current_user(1);
// export_wp() sends headers; on the CLI they are ignored.
export_wp(['content' => 'all']);
