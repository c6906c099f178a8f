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
 * local_cooperare_get_course_completions: course completion of every tracked user of a course, a page at a time.
 *
 * Core's core_completion_get_course_completion_status answers for one user per call; certifying a few hundred people
 * then costs a few hundred calls. This reads the same facts (course_completions.timecompleted, for the users
 * completion_info::get_tracked_users() would list) for up to 1000 users in one read.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_course_completions extends external_api {
    /** Most users in one page. */
    const MAX_PAGE = 1000;

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'offset' => new external_value(PARAM_INT, 'Number of tracked users to skip (ordered by user id)',
                VALUE_DEFAULT, 0),
            'limit' => new external_value(PARAM_INT, 'Most users to return, 1 to 1000', VALUE_DEFAULT, self::MAX_PAGE),
        ]);
    }

    /**
     * Completion of the course's tracked users (active enrolment, a role shown in completion reports).
     *
     * @param int $courseid
     * @param int $offset
     * @param int $limit
     * @return array
     */
    public static function execute(int $courseid, int $offset = 0, int $limit = self::MAX_PAGE): array {
        global $CFG, $DB;
        require_once($CFG->libdir . '/completionlib.php');
        $params = self::validate_parameters(self::execute_parameters(),
            ['courseid' => $courseid, 'offset' => $offset, 'limit' => $limit]);
        util::check_paging($params['offset'], $params['limit'], self::MAX_PAGE);
        // Capabilities first, so nothing about the course is told to a caller who may not read the report.
        [$course, $context] = util::course_and_context((int) $params['courseid'], ['report/completion:view']);
        $info = new \completion_info($course);
        $hascriteria = $info->is_enabled() && $info->has_criteria();

        [$enrolledsql, $enrolledparams] = get_enrolled_sql($context, 'moodle/course:isincompletionreports', 0, true);
        $total = (int) $DB->count_records_sql("SELECT COUNT(1) FROM ({$enrolledsql}) eu", $enrolledparams);
        $users = [];
        if ($hascriteria) {
            $sql = "SELECT eu.id AS userid, cc.timecompleted
                      FROM ({$enrolledsql}) eu
                 LEFT JOIN {course_completions} cc ON cc.userid = eu.id AND cc.course = :lccourseid
                  ORDER BY eu.id";
            $records = $DB->get_recordset_sql($sql, $enrolledparams + ['lccourseid' => $course->id],
                $params['offset'], $params['limit']);
            foreach ($records as $record) {
                $users[] = [
                    'userid' => (int) $record->userid,
                    'completed' => !empty($record->timecompleted),
                    'timecompleted' => (int) ($record->timecompleted ?? 0),
                ];
            }
            $records->close();
        }
        return [
            'courseid' => (int) $course->id,
            'hascriteria' => $hascriteria,
            'total' => $total,
            'offset' => (int) $params['offset'],
            'users' => $users,
        ];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courseid' => new external_value(PARAM_INT, 'Course id'),
            'hascriteria' => new external_value(PARAM_BOOL,
                'Whether completion is enabled and the course has criteria (no users are listed otherwise)'),
            'total' => new external_value(PARAM_INT, 'Number of tracked users of the course'),
            'offset' => new external_value(PARAM_INT, 'Offset of this page'),
            'users' => new external_multiple_structure(
                new external_single_structure([
                    'userid' => new external_value(PARAM_INT, 'User id'),
                    'completed' => new external_value(PARAM_BOOL, 'Whether the user completed the course'),
                    'timecompleted' => new external_value(PARAM_INT, 'When, 0 if not completed'),
                ]),
                'Tracked users of this page, by user id'
            ),
        ]);
    }
}
