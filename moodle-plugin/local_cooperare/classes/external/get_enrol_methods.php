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
use local_cooperare\local\enrolmethods;
use local_cooperare\local\util;

/**
 * local_cooperare_get_enrol_methods: the self enrolment and guest access instances of courses, with drift.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_enrol_methods extends external_api {
    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'courseids' => new external_multiple_structure(new external_value(PARAM_INT, 'Course id'), 'Courses'),
        ]);
    }

    /**
     * Describe the instances of each course.
     *
     * @param array $courseids
     * @return array
     */
    public static function execute(array $courseids): array {
        $params = self::validate_parameters(self::execute_parameters(), ['courseids' => $courseids]);
        $result = [];
        $seen = [];
        foreach ($params['courseids'] as $courseid) {
            [$course] = util::course_and_context((int) $courseid, ['moodle/course:enrolreview']);
            util::check_unique($seen, (string) $course->id, "course {$course->id}");
            $result[] = ['courseid' => (int) $course->id, 'methods' => enrolmethods::describe($course)];
        }
        return ['courses' => $result];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'courses' => new external_multiple_structure(
                new external_single_structure([
                    'courseid' => new external_value(PARAM_INT, 'Course id'),
                    'methods' => new external_multiple_structure(
                        new external_single_structure([
                            'enrolid' => new external_value(PARAM_INT, 'Enrolment instance id'),
                            'method' => new external_value(PARAM_ALPHA, 'self or guest'),
                            'status' => new external_value(PARAM_INT, '0 enabled, 1 disabled'),
                            'name' => new external_value(PARAM_TEXT, 'Instance name, empty for the default'),
                            'enrolstartdate' => new external_value(PARAM_INT, 'Self enrolment start, 0 for none'),
                            'enrolenddate' => new external_value(PARAM_INT, 'Self enrolment end, 0 for none'),
                            'role' => new external_value(PARAM_ALPHANUMEXT, 'Self enrolment role shortname'),
                            'cohortidnumber' => new external_value(PARAM_RAW, 'Self enrolment cohort, empty for none'),
                            'newenrols' => new external_value(PARAM_INT, 'Self enrolment: new enrolments allowed'),
                            'maxenrolled' => new external_value(PARAM_INT, 'Self enrolment: most users who may '
                                . 'enrol through it, 0 for no limit'),
                            'key' => new external_value(PARAM_RAW, 'Key of a keyed self enrolment the plugin wrote, '
                                . 'empty otherwise'),
                            'groupname' => new external_value(PARAM_TEXT, 'Keyed self enrolment: name of its group '
                                . '(idnumber the key), empty for none'),
                            'haspassword' => new external_value(PARAM_BOOL, 'Whether an enrolment key or guest '
                                . 'password is set'),
                            'managed' => new external_value(PARAM_BOOL, 'Whether this plugin wrote the instance'),
                            'spechash' => new external_value(PARAM_RAW, 'Spec hash sent with the last save'),
                            'drift' => new external_value(PARAM_BOOL, 'Whether the instance changed since the '
                                . 'plugin wrote it'),
                        ]),
                        'Self and guest instances, by id'
                    ),
                ])
            ),
        ]);
    }
}
