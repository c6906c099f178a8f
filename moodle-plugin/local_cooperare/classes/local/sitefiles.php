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

namespace local_cooperare\local;

use context_system;
use context_user;
use invalid_parameter_exception;
use stored_file;

/**
 * Static sites the tooling publishes into Moodle and the plugin serves at a stable address.
 *
 * The only site today is the public certificate verification page (area "verify", served without login by
 * /local/cooperare/verify.php/…): a page, its script and style, and an encrypted registry that reveals nothing
 * without a certificate's serial. Files live in the system context under component local_cooperare, item 0, with
 * their folder paths (shards of a large registry sit in a sub-folder). Publishing takes one draft area of the caller
 * (files uploaded through webservice/upload.php with their paths) and makes the area equal to it: new files are
 * created, changed ones replaced, identical ones left alone and, with replace, files no longer published deleted.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class sitefiles {
    /** @var string[] Areas that can be published, each served by its own script. */
    public const AREAS = ['verify'];

    /** @var string[] Extensions of the files a site may hold (served with the type Moodle knows for each). */
    public const EXTENSIONS = ['html', 'css', 'js', 'json', 'jwt', 'svg', 'png', 'txt'];

    /** @var string[] Files served with a type Moodle does not know (filename => media type): the Open Badges status
     * list is a credential secured as a JWS, application/vc+jwt (W3C VC-JOSE-COSE); Moodle would send
     * application/octet-stream. */
    public const TYPES = ['status-list.jwt' => 'application/vc+jwt'];

    /** @var int Seconds browsers and proxies may keep the page, its script and style. */
    public const PAGE_LIFETIME = 300;

    /** @var string Content-Security-Policy of every served file: nothing from elsewhere, no inline script. */
    public const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        . "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /**
     * Make an area hold exactly the files of one draft area of the caller.
     *
     * @param string $area one of AREAS
     * @param int $draftitemid draft area of the current user
     * @param bool $replace delete the area's files that the draft area does not hold
     * @return array counts (created, replaced, unchanged, deleted) and files [{filepath, filename, action}]
     */
    public static function publish(string $area, int $draftitemid, bool $replace): array {
        global $USER;
        util::require_site_provision();
        if (!in_array($area, self::AREAS, true)) {
            throw new invalid_parameter_exception("area '{$area}': not a published site (known: "
                . implode(', ', self::AREAS) . ')');
        }
        $fs = get_file_storage();
        $draftcontext = context_user::instance($USER->id);
        $drafts = $fs->get_area_files($draftcontext->id, 'user', 'draft', $draftitemid, 'filepath, filename', false);
        if (!$drafts) {
            throw new invalid_parameter_exception("draft area {$draftitemid} of the current user holds no file");
        }
        $context = context_system::instance();
        $result = ['created' => 0, 'replaced' => 0, 'unchanged' => 0, 'deleted' => 0, 'files' => []];
        $published = [];
        foreach ($drafts as $draft) {
            $filepath = $draft->get_filepath();
            $filename = $draft->get_filename();
            $extension = strtolower(pathinfo($filename, PATHINFO_EXTENSION));
            if (!in_array($extension, self::EXTENSIONS, true)) {
                throw new invalid_parameter_exception("{$filepath}{$filename}: a published site holds only "
                    . implode(', ', self::EXTENSIONS) . ' files');
            }
            $published[$filepath . $filename] = true;
            $existing = $fs->get_file($context->id, 'local_cooperare', $area, 0, $filepath, $filename);
            if ($existing && $existing->get_contenthash() === $draft->get_contenthash()) {
                $action = 'unchanged';
            } else {
                if ($existing) {
                    $existing->delete();
                }
                $fs->create_file_from_storedfile(['contextid' => $context->id, 'component' => 'local_cooperare',
                    'filearea' => $area, 'itemid' => 0, 'filepath' => $filepath, 'filename' => $filename,
                    'userid' => $USER->id], $draft);
                $action = $existing ? 'replaced' : 'created';
            }
            $result[$action]++;
            $result['files'][] = ['filepath' => $filepath, 'filename' => $filename, 'action' => $action];
        }
        if ($replace) {
            foreach ($fs->get_area_files($context->id, 'local_cooperare', $area, 0, 'filepath, filename', false)
                    as $file) {
                if (!isset($published[$file->get_filepath() . $file->get_filename()])) {
                    $result['files'][] = ['filepath' => $file->get_filepath(), 'filename' => $file->get_filename(),
                        'action' => 'deleted'];
                    $file->delete();
                    $result['deleted']++;
                }
            }
            $fs->delete_area_files($draftcontext->id, 'user', 'draft', $draftitemid);
        }
        return $result;
    }

    /**
     * How long a served file may be cached: never for what changes with every issue, revocation and reissue (the
     * registry, its script and shards, the Open Badges status list), so a revocation shows at once; briefly for the
     * rest.
     *
     * @param string $filepath folder of the file in the area, such as / or /registry-ab12/
     * @param string $filename
     * @return int seconds (0: not cached)
     */
    public static function lifetime(string $filepath, string $filename): int {
        $changing = strpos($filename, 'registry') === 0 || strpos($filepath, '/registry-') === 0
            || $filename === 'status-list.jwt';
        return $changing ? 0 : self::PAGE_LIFETIME;
    }

    /**
     * The media type a served file gets when Moodle's own would be wrong, else '' (Moodle's: mimeinfo()).
     *
     * @param string $filename
     * @return string
     */
    public static function content_type(string $filename): string {
        return self::TYPES[$filename] ?? '';
    }

    /**
     * The published file a request path names ('' or a folder: its index.html).
     *
     * @param string $area one of AREAS
     * @param string $relativepath path after the script name, such as /verify.js or /registry-ab12/3f.json
     * @return stored_file|null
     */
    public static function find(string $area, string $relativepath): ?stored_file {
        if (!in_array($area, self::AREAS, true)) {
            return null;
        }
        $relativepath = '/' . ltrim($relativepath, '/');
        if (substr($relativepath, -1) === '/') {
            $relativepath .= 'index.html';
        }
        if (strpos($relativepath, '..') !== false || clean_param($relativepath, PARAM_PATH) !== $relativepath) {
            return null;
        }
        $filename = basename($relativepath);
        $filepath = rtrim(dirname($relativepath), '/') . '/';
        $file = get_file_storage()->get_file(context_system::instance()->id, 'local_cooperare', $area, 0, $filepath,
            $filename);
        return $file && !$file->is_directory() ? $file : null;
    }
}
