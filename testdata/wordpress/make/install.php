<?php
// Runs WordPress's own installer (wp_install) from the CLI.
$_SERVER['HTTP_HOST'] = getenv('WP_HOST') ?: 'clinic.example';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$r = wp_install('Lumen Skin Clinic', 'clinicadmin', 'admin@clinic.example', true, '', 'fixture-admin-password');
update_option('permalink_structure', '/%postname%/');
update_option('timezone_string', 'Europe/London');
update_option('blogdescription', 'Skin health, explained');
echo "installed, admin user id {$r['user_id']}\n";
