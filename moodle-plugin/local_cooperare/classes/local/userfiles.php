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

use context_user;
use core_external\external_api;
use invalid_parameter_exception;
use moodle_exception;

/**
 * Files put into other users' private files ("private" area of the user context) from draft areas of the caller.
 *
 * Core Moodle only lets a user manage their own private files (core_user_add_user_private_files writes into the
 * caller's area; the file browser and pluginfile.php refuse anybody else's). The plugin writes into another user's
 * area only for a caller who may edit that user's profile (moodle/user:editprofile in the user's context, as
 * user/edit.php requires) and holds local/cooperare:provision at site level; only administrators write into administrators'
 * files, as only they may edit them.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class userfiles {
    /** @var int Longest folder path (the filepath column holds 255 characters). */
    private const FILEPATH_MAX = 255;

    /**
     * Put the file of one draft area of the caller into a user's private files.
     *
     * @param array $item validated item of add_user_files: userid, draftitemid, filepath, overwrite
     * @param array $seen user/path/name keys seen so far in the call (updated)
     * @return array result item: userid, filepath, filename, contenthash, action (created, replaced, unchanged)
     */
    public static function add(array $item, array &$seen): array {
        global $CFG, $DB, $USER;
        require_once($CFG->libdir . '/filelib.php');

        $userid = (int) $item['userid'];
        $draftitemid = (int) $item['draftitemid'];
        $what = "file for user {$userid} from draft area {$draftitemid}";
        // Before any lookup: whether a user id exists is not for callers without the capability.
        util::require_site_provision();
        $user = $userid > 0 ? $DB->get_record('user', ['id' => $userid, 'deleted' => 0]) : false;
        if (!$user) {
            throw new invalid_parameter_exception("{$what}: no such user");
        }
        if (isguestuser($user)) {
            throw new invalid_parameter_exception("{$what}: the guest user has no private files");
        }
        $context = context_user::instance($user->id);
        external_api::validate_context($context);
        require_capability('moodle/user:editprofile', $context);
        if (is_siteadmin($user) && !is_siteadmin($USER)) {
            throw new moodle_exception('useradmineditadmin', 'error', '', null, $what);
        }

        $filepath = (string) $item['filepath'];
        if ($filepath === '' || $filepath[0] !== '/' || substr($filepath, -1) !== '/'
                || clean_param($filepath, PARAM_PATH) !== $filepath || \core_text::strlen($filepath) > self::FILEPATH_MAX) {
            throw new invalid_parameter_exception("{$what}: filepath must be a folder such as / or /certificate/ "
                . '(starting and ending with /)');
        }

        $fs = get_file_storage();
        $draftcontext = context_user::instance($USER->id);
        $files = $fs->get_area_files($draftcontext->id, 'user', 'draft', $draftitemid, 'id', false);
        if (count($files) !== 1) {
            throw new invalid_parameter_exception("{$what}: draft area {$draftitemid} of the current user must hold "
                . 'exactly one file (it holds ' . count($files) . ')');
        }
        $draft = reset($files);
        $filename = $draft->get_filename();
        $what = "file '{$filepath}{$filename}' of user {$userid}";
        util::check_unique($seen, $userid . $filepath . $filename, $what);

        $existing = $fs->get_file($context->id, 'user', 'private', 0, $filepath, $filename);
        $result = ['userid' => $userid, 'filepath' => $filepath, 'filename' => $filename,
            'contenthash' => $draft->get_contenthash()];
        if ($existing && $existing->get_contenthash() === $draft->get_contenthash()) {
            return $result + ['action' => 'unchanged'];
        }
        if ($existing && !$item['overwrite']) {
            throw new moodle_exception('userfileexists', 'local_cooperare', '', $what);
        }

        // The owner's quota, as core_user_add_user_private_files checks the caller's.
        if (!has_capability('moodle/user:ignoreuserquota', $context, $user)) {
            $used = (int) file_get_file_area_info($context->id, 'user', 'private')['filesize_without_references'];
            if ($existing) {
                $used -= (int) $existing->get_filesize();
            }
            if ($used + (int) $draft->get_filesize() > (int) $CFG->userquota) {
                throw new moodle_exception('maxareabytes', 'error', '', null, $what);
            }
        }

        if ($existing) {
            $existing->delete();
        }
        $fs->create_file_from_storedfile([
            'contextid' => $context->id,
            'component' => 'user',
            'filearea' => 'private',
            'itemid' => 0,
            'filepath' => $filepath,
            'filename' => $filename,
            'userid' => $user->id,
        ], $draft);
        return $result + ['action' => $existing ? 'replaced' : 'created'];
    }
}
