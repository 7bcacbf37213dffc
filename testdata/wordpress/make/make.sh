#!/bin/sh
# Rebuilds testdata/wordpress/export.xml and uploads.zip from a real WordPress.
# Debian 12, as root. Installs Debian's wordpress + MariaDB + PHP CLI, runs the
# WordPress installer and content script through PHP CLI (no web server is
# needed: WordPress's own PHP API is called directly), exports with
# WordPress's own export_wp(), zips the uploads, then stops MariaDB.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$HERE/.." && pwd)
HOST=clinic.example
export WP_HOST=$HOST

DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	wordpress php-cli php-mysql php-gd mariadb-server libimage-exiftool-perl zip

# MariaDB on 127.0.0.1 only (Debian's 50-server.cnf binds 127.0.0.1).
/etc/init.d/mariadb start
mysql -uroot <<SQL
DROP DATABASE IF EXISTS wp_fixture;
CREATE DATABASE wp_fixture CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE OR REPLACE USER 'wp_fixture'@'localhost' IDENTIFIED BY 'fixture-only';
GRANT ALL ON wp_fixture.* TO 'wp_fixture'@'localhost';
SQL

# A fresh content dir so nothing from an earlier run leaks in.
CONTENT=/var/lib/wordpress/fixture-content
rm -rf "$CONTENT"
mkdir -p "$CONTENT/uploads" "$CONTENT/themes"
ln -s /usr/share/wordpress/wp-content/themes/twentytwentythree "$CONTENT/themes/twentytwentythree"
cat > /etc/wordpress/config-$HOST.php <<PHP
<?php
define('DB_NAME', 'wp_fixture');
define('DB_USER', 'wp_fixture');
define('DB_PASSWORD', 'fixture-only');
define('DB_HOST', '127.0.0.1');
define('WP_CONTENT_DIR', '$CONTENT');
define('WP_HOME', 'http://$HOST');
define('WP_SITEURL', 'http://$HOST');
define('FS_METHOD', 'direct');
define('DISABLE_WP_CRON', true);
PHP

cd "$HERE"
php install.php
php images.php "$CONTENT/incoming"
# The GPS-tagged photo: a clinic-front photo with the location in EXIF.
exiftool -q -overwrite_original \
	-GPSLatitude=51.5072 -GPSLatitudeRef=N -GPSLongitude=0.1276 -GPSLongitudeRef=W \
	-GPSAltitude=11 -GPSAltitudeRef=0 -Make=FixtureCam -Model=FX-1 \
	-DateTimeOriginal='2024:04:02 10:15:00' "$CONTENT/incoming/clinic-front.jpg"
php content.php "$CONTENT/incoming"
php export.php > "$OUT/export.xml"

# One uploaded image is left out of the archive on purpose (missing-images test).
rm -f "$OUT/uploads.zip"
cd "$CONTENT"
find uploads -type f -name 'missing-consultation-room*' -print -delete
zip -q -r -X "$OUT/uploads.zip" uploads
ls -l "$OUT/export.xml" "$OUT/uploads.zip"

/etc/init.d/mariadb stop
