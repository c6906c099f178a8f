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

namespace local_cooperare\external;

use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use local_cooperare\local\util;

/**
 * local_cooperare_save_news_forum_staff: the course's trainers own its news forum.
 *
 * "Own" in Moodle terms: each listed user is enrolled in the course, can post announcements in the course's news
 * forum (mod/forum:addnews in the forum's context; the teacher and editingteacher archetypes hold it by default,
 * and only when a user's roles lack it is it allowed for those roles in that forum alone), and is subscribed to it.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class save_news_forum_staff extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'staff' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'userid' => new external_value(PARAM_INT, 'Id of a user enrolled in the course'),
                ]),
                'Users who post the announcements of a course'
            ),
        ]);
    }

    /**
     * Subscribe each user to the course's news forum and make sure they can post there; all or nothing.
     *
     * @param array $staff
     * @return array
     */
    public static function execute(array $staff): array {
        global $CFG;
        require_once($CFG->dirroot . '/mod/forum/lib.php');
        $params = self::validate_parameters(self::execute_parameters(), ['staff' => $staff]);
        $courseids = [];
        $result = util::all_or_nothing(function () use ($params, &$courseids) {
            $seen = [];
            $result = [];
            foreach ($params['staff'] as $item) {
                $courseids[] = (int) $item['courseid'];
                [$course, $context] = util::course_and_context((int) $item['courseid'],
                    ['moodle/course:manageactivities', 'moodle/role:override']);
                $userid = (int) $item['userid'];
                util::check_unique($seen, $course->id . '/' . $userid, "user {$userid} in course {$course->id}");
                if (!is_enrolled($context, $userid, '', true)) {
                    throw new \invalid_parameter_exception("user {$userid} is not an active participant of course "
                        . "{$course->id}");
                }
                $forum = forum_get_course_forum($course->id, 'news');
                if (!$forum) {
                    throw new \invalid_parameter_exception("course {$course->id} has no news forum");
                }
                $cm = get_coursemodule_from_instance('forum', $forum->id, $course->id, false, MUST_EXIST);
                $modcontext = \context_module::instance($cm->id);
                $overridden = [];
                if (!has_capability('mod/forum:addnews', $modcontext, $userid)) {
                    foreach (get_user_roles($context, $userid, true) as $role) {
                        assign_capability('mod/forum:addnews', CAP_ALLOW, $role->roleid, $modcontext->id, true);
                        $overridden[] = $role->shortname;
                    }
                    accesslib_clear_all_caches(false);
                    if (!has_capability('mod/forum:addnews', $modcontext, $userid)) {
                        throw new \invalid_parameter_exception("user {$userid} cannot post in the news forum of "
                            . "course {$course->id} even with mod/forum:addnews allowed for their roles there");
                    }
                }
                $subscribed = \mod_forum\subscriptions::is_subscribed($userid, $forum, null, $cm);
                if (!$subscribed) {
                    \mod_forum\subscriptions::subscribe_user($userid, $forum, $modcontext);
                }
                $result[] = [
                    'courseid' => (int) $course->id,
                    'userid' => $userid,
                    'forumid' => (int) $forum->id,
                    'cmid' => (int) $cm->id,
                    'subscribed' => $subscribed ? 'unchanged' : 'subscribed',
                    'overridden' => implode(',', $overridden),
                ];
            }
            return $result;
        }, $courseids);
        return ['staff' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'staff' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'userid' => new external_value(PARAM_INT, 'User id'),
                    'forumid' => new external_value(PARAM_INT, 'Id of the news forum'),
                    'cmid' => new external_value(PARAM_INT, 'Course module id of the news forum'),
                    'subscribed' => new external_value(PARAM_ALPHA, 'subscribed or unchanged'),
                    'overridden' => new external_value(PARAM_RAW,
                        'Role shortnames (comma-separated) allowed mod/forum:addnews in the forum, empty if none was needed'),
                ])
            ),
        ]);
    }
}
