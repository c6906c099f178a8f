<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * The public certificate verification page, served without login at /local/cooperare/verify.php/.
 *
 * Each certificate's QR code opens this address with ?serie=…; the page (published by `cooperare certificates
 * publish --moodle`) checks the serial against an encrypted registry in the visitor's browser. Only the files of the
 * published site are served, with a Content-Security-Policy that allows nothing from elsewhere; the registry and the
 * Open Badges status list (status-list.jwt, served as application/vc+jwt) are never cached, so a revocation shows at
 * once.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

// Anyone who scans a certificate may open the page: no login, no session cookie.
define('NO_MOODLE_COOKIES', true);

require(__DIR__ . '/../../config.php');

use local_cooperare\local\sitefiles;

$relativepath = (string) get_file_argument();
$requestpath = (string) parse_url($_SERVER['REQUEST_URI'] ?? '', PHP_URL_PATH);
if ($relativepath === '' && substr($requestpath, -strlen('/verify.php')) === '/verify.php') {
    // The page loads its files relative to its own address, which must end with a slash. (get_file_argument()
    // answers '' for both verify.php and verify.php/: only the request path tells them apart.)
    $query = $_SERVER['QUERY_STRING'] ?? '';
    header('Location: ' . $CFG->wwwroot . '/local/cooperare/verify.php/' . ($query !== '' ? '?' . $query : ''), true,
        301);
    die();
}
if ($relativepath === '') {
    $relativepath = '/';
}
$file = sitefiles::find('verify', $relativepath);
if (!$file) {
    send_header_404();
    header('Content-Type: text/plain; charset=utf-8');
    echo get_string('verifynotpublished', 'local_cooperare');
    die();
}
header('Content-Security-Policy: ' . sitefiles::CSP);
header('Referrer-Policy: no-referrer');
header('X-Content-Type-Options: nosniff');
// The registry and the status list change with every issue, revocation and reissue: never cached. The page may be,
// briefly.
$lifetime = sitefiles::lifetime($file->get_filepath(), $file->get_filename());
$type = sitefiles::content_type($file->get_filename());
if ($type !== '') {
    send_file($file, $file->get_filename(), $lifetime, 0, false, false, $type, false, ['cacheability' => 'public']);
} else {
    send_stored_file($file, $lifetime, 0, false, ['cacheability' => 'public']);
}
